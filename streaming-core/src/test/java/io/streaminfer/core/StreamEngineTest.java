package io.streaminfer.core;

import io.streaminfer.core.ServerMessage.FrameDropped;
import io.streaminfer.core.ServerMessage.FrameResult;
import io.streaminfer.core.ServerMessage.SlowDown;
import io.streaminfer.core.ServerMessage.StreamError;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

class StreamEngineTest {

    private static final byte[] JPEG = TestJpegs.orange64x48();

    private final ManualClock clock = new ManualClock();
    private final ManualExecutor executor = new ManualExecutor();
    private final List<Long> seenByPipeline = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger processorsClosed = new AtomicInteger();

    /** What the pipeline does with a frame, besides recording it; may throw. */
    private Consumer<Frame> onProcess = frame -> { };

    private StreamEngine engine(StreamConfig config) {
        Map<String, Supplier<FrameProcessor>> pipelines = new LinkedHashMap<>();
        pipelines.put("probe", () -> new FrameProcessor() {
            @Override
            public InferenceResult process(Frame frame) {
                seenByPipeline.add(frame.index());
                onProcess.accept(frame);
                return InferenceResult.builder().put("width", frame.info().width()).build();
            }

            @Override
            public void close() {
                processorsClosed.incrementAndGet();
            }
        });
        pipelines.put("other", () -> frame -> InferenceResult.empty());
        return StreamEngine.builder(PipelineRegistry.of(pipelines))
                .config(config).clock(clock).executor(executor).build();
    }

    private StreamEngine engine() {
        return engine(StreamConfig.ofDefaults());
    }

    @Test
    void answersAFrameWithItsResult() {
        RecordingChannel channel = new RecordingChannel();
        StreamSession session = engine().open("probe", channel, "127.0.0.1");

        session.onBinaryMessage(JPEG);
        executor.runAll();

        assertThat(channel.messages()).containsExactly(
                new FrameResult(1, InferenceResult.builder().put("width", 64).build()));
        assertThat(session.stats().processed()).isEqualTo(1);
    }

    @Test
    @DisplayName("the receive path never runs the pipeline itself")
    void receivingDoesNotRunThePipeline() {
        StreamSession session = engine().open("probe", new RecordingChannel(), "127.0.0.1");

        session.onBinaryMessage(JPEG);

        assertThat(seenByPipeline).isEmpty();
        assertThat(executor.queued()).isEqualTo(1);
    }

    @Test
    @DisplayName("frames that arrive while one is in the pipeline: the newest wins, the others are dropped at once")
    void latestFrameWins() {
        RecordingChannel channel = new RecordingChannel();
        StreamSession session = engine().open("probe", channel, "127.0.0.1");
        onProcess = frame -> {
            if (frame.index() == 1) { // frames 2, 3 and 4 arrive while frame 1 is in the pipeline
                session.onBinaryMessage(JPEG);
                session.onBinaryMessage(JPEG);
                session.onBinaryMessage(JPEG);
            }
        };

        session.onBinaryMessage(JPEG);
        executor.runAll();

        assertThat(seenByPipeline).containsExactly(1L, 4L);
        assertThat(channel.messages()).extracting(StreamEngineTest::describe)
                .containsExactly("dropped 2", "dropped 3", "result 1", "result 4");
    }

    @Test
    @DisplayName("every frame gets exactly one answer and results come in increasing order, whatever the timing")
    void everyFrameIsAnsweredOnce() {
        RecordingChannel channel = new RecordingChannel();
        StreamSession session = engine(StreamConfig.builder().queueDepth(2).build()).open("probe", channel, "x");
        Random random = new Random(42);
        for (int i = 0; i < 500; i++) {
            session.onBinaryMessage(JPEG);
            if (random.nextInt(3) == 0) {
                executor.runNext();
            }
        }
        executor.runAll();

        List<Long> answered = new ArrayList<>();
        channel.messages(FrameResult.class).forEach(r -> answered.add(r.frameIndex()));
        channel.messages(FrameDropped.class).forEach(d -> answered.add(d.frameIndex()));
        assertThat(answered).hasSize(500).doesNotHaveDuplicates();
        assertThat(channel.messages(FrameResult.class)).extracting(FrameResult::frameIndex).isSorted();
        assertThat(channel.messages(FrameDropped.class)).isNotEmpty();
        assertThat(seenByPipeline).doesNotContainAnyElementsOf(
                channel.messages(FrameDropped.class).stream().map(FrameDropped::frameIndex).toList());
    }

    @Test
    @DisplayName("sessions take turns on the workers: a flooding session does not starve another")
    void sessionsTakeTurns() {
        StreamEngine engine = engine();
        StreamSession busy = engine.open("probe", new RecordingChannel(), "a");
        List<String> order = new ArrayList<>();
        onProcess = frame -> order.add("busy " + frame.index());
        busy.onBinaryMessage(JPEG);
        RecordingChannel quietChannel = new RecordingChannel();
        StreamSession quiet = engine.open("other", quietChannel, "b");
        quiet.onBinaryMessage(JPEG);

        executor.runNext(); // busy frame 1; meanwhile busy sends more
        busy.onBinaryMessage(JPEG);
        executor.runNext(); // must be the quiet session's turn

        assertThat(order).containsExactly("busy 1");
        assertThat(quietChannel.messages(FrameResult.class)).hasSize(1);
    }

    @Test
    void slowDownIsSentWhenEnteringCriticalAndRepeatedAtMostEveryInterval() {
        RecordingChannel channel = new RecordingChannel();
        StreamConfig config = StreamConfig.builder().rateWindow(10).build();
        StreamSession session = engine(config).open("probe", channel, "x");
        onProcess = frame -> clock.advanceMillis(50);

        // each round: two frames arrive, one is dropped, one is processed -> drop rate 0.5
        for (int round = 0; round < 20; round++) {
            session.onBinaryMessage(JPEG);
            session.onBinaryMessage(JPEG);
            executor.runAll();
        }
        assertThat(channel.messages(SlowDown.class)).hasSize(1);
        assertThat(session.stats().state()).isEqualTo(BackpressureState.CRITICAL);

        clock.advance(config.slowDownInterval());
        session.onBinaryMessage(JPEG);
        session.onBinaryMessage(JPEG);
        executor.runAll();

        List<SlowDown> warnings = channel.messages(SlowDown.class);
        assertThat(warnings).hasSize(2);
        assertThat(warnings.get(0).dropRate()).isEqualTo(0.5);
        assertThat(warnings.get(0).recommendedFps()).isEqualTo(20.0); // one result per 50 ms
    }

    @Test
    @DisplayName("the drop rate is windowed: a stream recovers when the load falls")
    void stateRecoversWhenDropsStop() {
        RecordingChannel channel = new RecordingChannel();
        StreamSession session = engine(StreamConfig.builder().rateWindow(10).build()).open("probe", channel, "x");
        for (int round = 0; round < 10; round++) {
            session.onBinaryMessage(JPEG);
            session.onBinaryMessage(JPEG);
            executor.runAll();
        }
        assertThat(session.stats().state()).isEqualTo(BackpressureState.CRITICAL);

        for (int frame = 0; frame < 10; frame++) {
            session.onBinaryMessage(JPEG);
            executor.runAll();
        }

        assertThat(session.stats().state()).isEqualTo(BackpressureState.NORMAL);
        assertThat(session.stats().dropRate()).isZero();
    }

    @Test
    void noWarningBeforeTheWindowIsFull() {
        RecordingChannel channel = new RecordingChannel();
        StreamSession session = engine().open("probe", channel, "x");
        session.onBinaryMessage(JPEG);
        session.onBinaryMessage(JPEG);
        session.onBinaryMessage(JPEG);
        executor.runAll();

        assertThat(channel.messages(FrameDropped.class)).hasSize(2);
        assertThat(channel.messages(SlowDown.class)).isEmpty();
        assertThat(session.stats().state()).isEqualTo(BackpressureState.NORMAL);
    }

    @ParameterizedTest(name = "{0} on one frame answers that frame and the stream goes on")
    @ValueSource(strings = {"exception", "error"})
    void pipelineFailureIsPerFrame(String kind) {
        RecordingChannel channel = new RecordingChannel();
        StreamSession session = engine().open("probe", channel, "x");
        onProcess = frame -> {
            if (frame.index() == 1) {
                sneakyThrow(kind.equals("error") ? new StackOverflowError()
                        : new IllegalStateException("/secret/path/model.onnx is corrupt"));
            }
        };

        session.onBinaryMessage(JPEG);
        executor.runAll();
        session.onBinaryMessage(JPEG);
        executor.runAll();

        assertThat(channel.messages()).extracting(StreamEngineTest::describe)
                .containsExactly("error pipeline_failure 1", "result 2");
        StreamError error = channel.messages(StreamError.class).get(0);
        assertThat(error.detail()).isEqualTo("the pipeline failed on this frame");
        assertThat(channel.closes()).isZero();
    }

    @Test
    void pipelineExceptionMessagesAreShownToTheClient() {
        RecordingChannel channel = new RecordingChannel();
        StreamSession session = engine().open("probe", channel, "x");
        onProcess = frame -> sneakyThrow(new PipelineException("the frame could not be decoded"));

        session.onBinaryMessage(JPEG);
        executor.runAll();

        assertThat(channel.messages(StreamError.class).get(0).detail()).isEqualTo("the frame could not be decoded");
    }

    @Test
    void tooManyFailuresInARowClose1011() {
        RecordingChannel channel = new RecordingChannel();
        StreamSession session = engine(StreamConfig.builder().maxConsecutiveFailures(3).build()).open("probe", channel, "x");
        onProcess = frame -> {
            if (frame.index() != 2) {
                throw new IllegalStateException("boom");
            }
        };

        for (int i = 0; i < 5; i++) {
            session.onBinaryMessage(JPEG);
            executor.runAll();
        }

        assertThat(channel.messages(StreamError.class)).hasSize(4); // 1, then 3, 4, 5 in a row
        assertThat(channel.closeCode()).isEqualTo(1011);
        assertThat(session.isClosed()).isTrue();
        assertThat(processorsClosed).hasValue(1);
    }

    @Test
    void invalidFrameEndsTheSessionWith1007() {
        RecordingChannel channel = new RecordingChannel();
        StreamSession session = engine().open("probe", channel, "x");

        session.onBinaryMessage(new byte[] {1, 2, 3});
        session.onBinaryMessage(JPEG);
        executor.runAll();

        assertThat(channel.messages()).hasSize(1);
        StreamError error = channel.messages(StreamError.class).get(0);
        assertThat(error.code()).isEqualTo(ErrorCode.INVALID_FRAME);
        assertThat(error.frameIndex()).isEqualTo(OptionalLong.of(1));
        assertThat(channel.closeCode()).isEqualTo(1007);
        assertThat(seenByPipeline).isEmpty();
    }

    @Test
    void tooLargeFrameEndsTheSessionWith1009() {
        RecordingChannel channel = new RecordingChannel();
        StreamSession session = engine(StreamConfig.builder().maxFrameBytes(JPEG.length - 1).build())
                .open("probe", channel, "x");

        session.onBinaryMessage(JPEG);

        assertThat(channel.messages(StreamError.class).get(0).code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
        assertThat(channel.closeCode()).isEqualTo(1009);
    }

    @Test
    @DisplayName("a text message ends the session with invalid_message and 1003; frames waiting are answered first")
    void textMessageEndsTheSession() {
        RecordingChannel channel = new RecordingChannel();
        StreamSession session = engine().open("probe", channel, "x");
        session.onBinaryMessage(JPEG);

        session.onTextMessage("hello");
        executor.runAll();

        assertThat(channel.messages()).extracting(StreamEngineTest::describe)
                .containsExactly("dropped 1", "error invalid_message");
        assertThat(channel.closeCode()).isEqualTo(1003);
        assertThat(processorsClosed).hasValue(1);
    }

    @Test
    @DisplayName("an error while a frame is in the pipeline closes only after that frame is answered")
    void closeWaitsForTheFrameInThePipeline() {
        RecordingChannel channel = new RecordingChannel();
        StreamSession session = engine().open("probe", channel, "x");
        onProcess = frame -> {
            session.onTextMessage("oops");
            assertThat(channel.closes()).isZero();
        };

        session.onBinaryMessage(JPEG);
        executor.runAll();

        assertThat(channel.messages()).extracting(StreamEngineTest::describe)
                .containsExactly("error invalid_message", "result 1");
        assertThat(channel.closes()).isEqualTo(1);
        assertThat(processorsClosed).hasValue(1);
    }

    @Test
    void missingPipelineIdListsTheKnownOnes() {
        RecordingChannel channel = new RecordingChannel();
        StreamSession session = engine().open((String) null, channel, "x");

        StreamError error = channel.messages(StreamError.class).get(0);
        assertThat(error.code()).isEqualTo(ErrorCode.INVALID_PIPELINE);
        assertThat(error.detail()).contains("pipeline_id is missing", "probe, other");
        assertThat(channel.closeCode()).isEqualTo(1008);
        assertThat(session.isClosed()).isTrue();
    }

    @Test
    void unknownPipelineIsNamedAndTheKnownOnesListed() {
        RecordingChannel channel = new RecordingChannel();
        engine().open("nope\n", channel, "x");

        assertThat(channel.messages(StreamError.class).get(0).detail())
                .isEqualTo("unknown pipeline 'nope?'; known pipelines: probe, other");
    }

    @Test
    void unavailablePipelineIsRefusedWithItsReason() {
        PipelineRegistry registry = new PipelineRegistry() {
            @Override
            public List<PipelineInfo> pipelines() {
                return List.of(new PipelineInfo("ocr", List.of("ocr"), "tesseract not found"));
            }

            @Override
            public FrameProcessor open(String pipelineId) {
                throw new AssertionError("must not open an unavailable pipeline");
            }
        };
        RecordingChannel channel = new RecordingChannel();
        StreamEngine.builder(registry).executor(executor).build().open("ocr", channel, "x");

        assertThat(channel.messages(StreamError.class).get(0).detail())
                .isEqualTo("pipeline 'ocr' is unavailable on this server: tesseract not found");
    }

    @Test
    void sessionsBeyondTheLimitGetServerBusy() {
        StreamEngine engine = engine(StreamConfig.builder().maxSessions(2).build());
        StreamSession first = engine.open("probe", new RecordingChannel(), "x");
        engine.open("probe", new RecordingChannel(), "x");
        RecordingChannel third = new RecordingChannel();

        engine.open("probe", third, "x");
        assertThat(third.messages(StreamError.class).get(0).code()).isEqualTo(ErrorCode.SERVER_BUSY);
        assertThat(third.closeCode()).isEqualTo(1013);

        first.onTransportClosed(1000);
        RecordingChannel fourth = new RecordingChannel();
        assertThat(engine.open("probe", fourth, "x").isClosed()).isFalse();
        assertThat(engine.activeSessions()).isEqualTo(2);
    }

    @Test
    @DisplayName("beyond the per-client limit an address gets server_busy while others still get in")
    void sessionsPerClientAreLimited() {
        StreamEngine engine = engine(StreamConfig.builder().maxSessionsPerClient(2).build());
        StreamSession first = engine.open("probe", new RecordingChannel(), "10.0.0.1");
        engine.open("probe", new RecordingChannel(), "10.0.0.1");
        RecordingChannel third = new RecordingChannel();

        engine.open("probe", third, "10.0.0.1");
        RecordingChannel otherClient = new RecordingChannel();
        StreamSession other = engine.open("probe", otherClient, "10.0.0.2");

        assertThat(third.messages(StreamError.class).get(0).detail()).contains("limit per client");
        assertThat(third.closeCode()).isEqualTo(1013);
        assertThat(other.isClosed()).isFalse();
        first.onTransportClosed(1000);
        assertThat(engine.open("probe", new RecordingChannel(), "10.0.0.1").isClosed()).isFalse();
    }

    @Test
    @DisplayName("a session without a frame for the idle timeout is closed with 1001; an active one is not")
    void idleSessionsAreClosed() {
        StreamEngine engine = engine(StreamConfig.builder().idleTimeout(java.time.Duration.ofSeconds(60)).build());
        RecordingChannel idleChannel = new RecordingChannel();
        StreamSession idle = engine.open("probe", idleChannel, "a");
        StreamSession active = engine.open("probe", new RecordingChannel(), "b");

        clock.advance(java.time.Duration.ofSeconds(59));
        active.onBinaryMessage(JPEG);
        executor.runAll();
        assertThat(engine.closeIdleSessions()).isZero();
        clock.advance(java.time.Duration.ofSeconds(1));

        assertThat(engine.closeIdleSessions()).isEqualTo(1);
        assertThat(idle.isClosed()).isTrue();
        assertThat(idleChannel.closeCode()).isEqualTo(1001);
        assertThat(idleChannel.closeReason()).startsWith("idle");
        assertThat(active.isClosed()).isFalse();
    }

    @Test
    @DisplayName("a frame whose pipeline runs past the timeout fails as timed out, its worker is interrupted, the session goes on")
    void hungPipelineTimesOut() throws Exception {
        java.util.concurrent.ExecutorService workerThreads = java.util.concurrent.Executors.newCachedThreadPool();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        ManualClock time = new ManualClock();
        StreamEngine engine = StreamEngine.builder(PipelineRegistry.of(Map.of("hang", () -> frame -> {
            if (frame.index() == 1) {
                entered.countDown();
                try {
                    new CountDownLatch(1).await(); // hangs until interrupted
                } catch (InterruptedException e) {
                    interrupted.countDown();
                    throw e;
                }
            }
            return InferenceResult.empty();
        }))).config(StreamConfig.builder().pipelineTimeout(java.time.Duration.ofSeconds(10)).build())
                .clock(time).executor(workerThreads).build(); // no sweeper of its own: this test is the only one
        RecordingChannel channel = new RecordingChannel();
        StreamSession session = engine.open("hang", channel, "x");
        session.onBinaryMessage(JPEG);
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

        time.advance(java.time.Duration.ofSeconds(9));
        assertThat(engine.failTimedOutFrames()).isZero();
        time.advance(java.time.Duration.ofSeconds(1));
        assertThat(engine.failTimedOutFrames()).isEqualTo(1);

        assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
        StreamError timedOut = channel.messages(StreamError.class).get(0);
        assertThat(timedOut.code()).isEqualTo(ErrorCode.PIPELINE_FAILURE);
        assertThat(timedOut.detail()).contains("timed out");
        session.onBinaryMessage(JPEG);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> channel.messages(FrameResult.class).size() == 1);
        assertThat(channel.messages()).extracting(StreamEngineTest::describe)
                .containsExactly("error pipeline_failure 1", "result 2");
        assertThat(engine.stuckWorkers()).isZero();
        engine.shutdown(java.time.Duration.ofSeconds(5));
        workerThreads.shutdownNow();
    }

    @Test
    @DisplayName("a client that goes away mid-stream gets nothing more; its pipeline is released once")
    void clientDisconnectMidStream() {
        RecordingChannel channel = new RecordingChannel();
        StreamEngine engine = engine();
        StreamSession session = engine.open("probe", channel, "x");
        onProcess = frame -> {
            session.onBinaryMessage(JPEG);
            session.onTransportClosed(1006);
            assertThat(processorsClosed).hasValue(0); // still processing
        };

        session.onBinaryMessage(JPEG);
        executor.runAll();

        assertThat(channel.messages()).isEmpty();
        assertThat(processorsClosed).hasValue(1);
        assertThat(session.stats().received()).isEqualTo(2);
        assertThat(session.stats().unanswered()).as("the frame in the pipeline and the one waiting").isEqualTo(2);
        assertThat(engine.activeSessions()).isZero();
    }

    /** The totals of each session as the listener reads them when it hears the session closed. */
    private StreamEngine engineHearingClosings(List<SessionStats> closings) {
        return StreamEngine.builder(PipelineRegistry.of(Map.of("other", () -> frame -> InferenceResult.empty())))
                .clock(clock).executor(executor).listener(new StreamListener() {
                    @Override
                    public void sessionClosed(StreamSession session, int closeCode) {
                        closings.add(session.stats());
                    }
                }).build();
    }

    /** A session whose only frame's result is in the transport's hands (its write unfinished) when the client leaves. */
    private StreamSession leftWithAnswerInFlight(StreamEngine engine, RecordingChannel channel, int closeCode) {
        StreamSession session = engine.open("other", channel, "x");
        session.onBinaryMessage(JPEG);
        executor.runAll();
        session.onTransportClosed(closeCode);
        return session;
    }

    @Test
    @DisplayName("a client that leaves while its last answer is being written: the session ends when the write completes, and its totals count that answer")
    void closingSummaryWaitsForTheAnswerInFlight() {
        List<SessionStats> closings = new ArrayList<>();
        StreamEngine engine = engineHearingClosings(closings);
        RecordingChannel channel = new RecordingChannel().holdSends();

        leftWithAnswerInFlight(engine, channel, 1000); // the client read it and closed before the write's callback came

        assertThat(closings).as("not ended while the write is unfinished").isEmpty();
        assertThat(channel.completeOldest(true)).isTrue();
        assertThat(closings).hasSize(1);
        assertThat(closings.get(0).received()).isEqualTo(1);
        assertThat(closings.get(0).processed()).as("the answer written as the client left").isEqualTo(1);
        assertThat(engine.activeSessions()).isZero();
        assertThat(engine.takenSlots()).isZero();
    }

    @Test
    @DisplayName("a write still unfinished the close grace after the client left is given up: the frame counts as unanswered and the session ends")
    void answerInFlightIsGivenUpAfterTheGrace() {
        List<SessionStats> closings = new ArrayList<>();
        StreamEngine engine = engineHearingClosings(closings);
        RecordingChannel channel = new RecordingChannel().holdSends();
        StreamSession session = leftWithAnswerInFlight(engine, channel, 1006);

        engine.sweep();
        assertThat(closings).as("within the grace").isEmpty();
        clock.advance(java.time.Duration.ofSeconds(2));
        engine.sweep();

        assertThat(closings).hasSize(1);
        assertThat(closings.get(0).unanswered()).isEqualTo(1);
        assertThat(engine.activeSessions()).isZero();
        assertThat(channel.completeOldest(true)).as("the transport calls back after all").isTrue();
        assertThat(session.stats().processed()).as("counted once, as given up").isZero();
        assertThat(closings).hasSize(1);
        assertThat(channel.closes()).as("nothing to close: the connection is gone").isZero();
    }

    @Test
    @DisplayName("a shutdown that cannot wait gives up a write still unfinished after its client left, without waiting for the close grace")
    void shutdownGivesUpTheAnswerInFlight() {
        List<SessionStats> closings = new ArrayList<>();
        StreamEngine engine = engineHearingClosings(closings);
        leftWithAnswerInFlight(engine, new RecordingChannel().holdSends(), 1006);

        engine.shutdown(java.time.Duration.ZERO);

        assertThat(closings).hasSize(1);
        assertThat(closings.get(0).unanswered()).isEqualTo(1);
        assertThat(engine.activeSessions()).isZero();
        assertThat(engine.takenSlots()).isZero();
    }

    @Test
    @DisplayName("a client that stops reading is closed as a slow consumer instead of buffering without bound")
    void slowConsumerIsClosed() {
        RecordingChannel channel = new RecordingChannel().holdSends();
        StreamSession session = engine(StreamConfig.builder().maxPendingMessages(8).build()).open("probe", channel, "x");

        for (int i = 0; i < 20; i++) {
            session.onBinaryMessage(JPEG);
            executor.runAll();
        }

        assertThat(channel.messages()).as("one send in flight at a time; the rest waited in the outbox").hasSize(1);
        assertThat(channel.closeCode()).isEqualTo(ErrorCode.SLOW_CONSUMER.closeCode());
        assertThat(channel.closeReason()).startsWith("slow_consumer");
        assertThat(session.isClosed()).isTrue();
    }

    @Test
    @DisplayName("shutdown answers the frame in the pipeline and then closes with 1001")
    void shutdownAnswersInFlightFrames() throws InterruptedException {
        CountDownLatch inPipeline = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        StreamListener releaseWhenWaitingFrameIsDropped = new StreamListener() {
            @Override
            public void frameDropped(StreamSession session, long frameIndex) {
                release.countDown(); // shutdown has begun: waiting frames are being answered
            }
        };
        StreamEngine engine = StreamEngine.builder(PipelineRegistry.of(Map.of("gate", () -> frame -> {
            inPipeline.countDown();
            assertThat(release.await(10, TimeUnit.SECONDS)).isTrue();
            return InferenceResult.empty();
        }))).workers(1).listener(releaseWhenWaitingFrameIsDropped).build();
        RecordingChannel channel = new RecordingChannel();
        StreamSession session = engine.open("gate", channel, "x");
        session.onBinaryMessage(JPEG);
        assertThat(inPipeline.await(10, TimeUnit.SECONDS)).isTrue();
        session.onBinaryMessage(JPEG); // waits behind frame 1
        engine.open("gate", new RecordingChannel(), "y"); // idle session

        boolean graceful = engine.shutdown(java.time.Duration.ofSeconds(10));

        assertThat(graceful).isTrue();
        assertThat(channel.messages()).extracting(StreamEngineTest::describe).containsExactly("dropped 2", "result 1");
        assertThat(channel.closeCode()).isEqualTo(1001);
        RecordingChannel late = new RecordingChannel();
        engine.open("gate", late, "z");
        assertThat(late.messages(StreamError.class).get(0).code()).isEqualTo(ErrorCode.SERVER_BUSY);
    }

    @Test
    void listenerSeesEveryEventOnce() {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        StreamListener listener = new StreamListener() {
            @Override
            public void sessionOpened(StreamSession session) {
                events.add("opened");
            }

            @Override
            public void sessionClosed(StreamSession session, int closeCode) {
                events.add("closed " + closeCode);
            }

            @Override
            public void frameDropped(StreamSession session, long frameIndex) {
                events.add("dropped " + frameIndex);
            }

            @Override
            public void frameProcessed(StreamSession session, long frameIndex, long pipelineNanos, long latencyNanos) {
                events.add("processed " + frameIndex);
            }
        };
        StreamEngine engine = StreamEngine.builder(PipelineRegistry.of(Map.of("p", () -> f -> InferenceResult.empty())))
                .executor(executor).clock(clock).listener(listener).build();
        StreamSession session = engine.open("p", new RecordingChannel(), "x");
        session.onBinaryMessage(JPEG);
        session.onBinaryMessage(JPEG);
        executor.runAll();
        session.onTransportClosed(1000);
        session.onTransportClosed(1000);

        assertThat(events).containsExactly("opened", "dropped 1", "processed 2", "closed 1000");
    }

    @Test
    @DisplayName("stats report recent pipeline percentiles and the recommended rate from the clock")
    void statsReportRecentPipelineTimes() {
        StreamSession session = engine().open("probe", new RecordingChannel(), "10.0.0.7");
        long[] millis = {10, 20, 30, 40, 100};
        AtomicInteger next = new AtomicInteger();
        onProcess = frame -> clock.advanceMillis(millis[next.getAndIncrement()]);

        for (int i = 0; i < millis.length; i++) {
            session.onBinaryMessage(JPEG);
            executor.runAll();
        }

        SessionStats stats = session.stats();
        assertThat(stats.pipelineMillisP50()).isEqualTo(30.0);
        assertThat(stats.pipelineMillisP99()).isEqualTo(100.0);
        assertThat(stats.remoteAddress()).isEqualTo("10.0.0.7");
        assertThat(stats.recommendedFps()).isEqualTo(21.0); // 4 results over 190 ms = 21.05/s, floored to 0.1
    }

    @Test
    @DisplayName("a composite listener tells every listener even when one throws")
    void compositeListenerIsolatesFailures() {
        List<String> heard = Collections.synchronizedList(new ArrayList<>());
        StreamListener failing = new StreamListener() {
            @Override
            public void sessionOpened(StreamSession session) {
                throw new IllegalStateException("broken metrics backend");
            }
        };
        StreamListener recording = new StreamListener() {
            @Override
            public void sessionOpened(StreamSession session) {
                heard.add(session.pipelineId());
            }
        };
        StreamEngine engine = StreamEngine.builder(PipelineRegistry.of(Map.of("p", () -> f -> InferenceResult.empty())))
                .executor(executor).listener(StreamListener.all(failing, recording)).build();

        StreamSession session = engine.open("p", new RecordingChannel(), "x");

        assertThat(heard).containsExactly("p");
        assertThat(session.isClosed()).isFalse();
    }

    private static String describe(ServerMessage message) {
        if (message instanceof FrameResult r) {
            return "result " + r.frameIndex();
        }
        if (message instanceof FrameDropped d) {
            return "dropped " + d.frameIndex();
        }
        if (message instanceof StreamError e) {
            return "error " + e.code().wireName() + (e.frameIndex().isPresent() ? " " + e.frameIndex().getAsLong() : "");
        }
        return "slow_down";
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> void sneakyThrow(Throwable t) throws E {
        throw (E) t;
    }
}
