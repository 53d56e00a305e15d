package io.streaminfer.core;

import io.streaminfer.core.ServerMessage.FrameDropped;
import io.streaminfer.core.ServerMessage.FrameResult;
import io.streaminfer.core.ServerMessage.StreamError;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The engine's promises at the edges: a hung pipeline never holds a session or its slot past the
 * pipeline timeout, whatever starts the close; admission in arrival order; lossless mode; every
 * frame accounted for. Time is a manual clock; a hung pipeline is a real thread that ignores
 * interrupts, as a native call does.
 */
class EngineFaultsTest {

    private static final byte[] JPEG = TestJpegs.orange64x48();
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Duration IDLE = Duration.ofSeconds(2);

    private final ManualClock clock = new ManualClock();
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger processorsClosed = new AtomicInteger();

    @AfterEach
    void releaseHungPipelines() {
        release.countDown();
        threads.shutdownNow();
    }

    /** Frame 1 of each session hangs, ignoring interrupts, until the test releases it. */
    private StreamEngine engine(StreamConfig.Builder config) {
        PipelineRegistry registry = PipelineRegistry.of(Map.of("hang", () -> new FrameProcessor() {
            @Override
            public InferenceResult process(Frame frame) {
                if (frame.index() == 1) {
                    entered.countDown();
                    awaitIgnoringInterrupts(release);
                }
                return InferenceResult.empty();
            }

            @Override
            public void close() {
                processorsClosed.incrementAndGet();
            }
        }));
        return StreamEngine.builder(registry)
                .config(config.pipelineTimeout(TIMEOUT).idleTimeout(IDLE).build())
                .clock(clock).executor(threads).build();
    }

    private static void awaitIgnoringInterrupts(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                if (latch.await(30, TimeUnit.SECONDS)) {
                    break;
                }
            } catch (InterruptedException e) {
                interrupted = true; // like a native decoder: the interrupt changes nothing
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** What starts the close while frame 1 hangs in the pipeline. */
    enum Cause {
        TEXT(1003), INVALID_FRAME(1007), FRAME_TOO_LARGE(1009), PROTOCOL_VIOLATION(1002), IDLE(1001),
        FAILURE_LIMIT(1011), SLOW_CONSUMER(1008);

        final int closeCode;

        Cause(int closeCode) {
            this.closeCode = closeCode;
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Cause.class)
    @DisplayName("whatever starts the close while the pipeline hangs, the connection closes and the slot is free by the pipeline timeout")
    void hungPipelineNeverHoldsTheSlot(Cause cause) throws Exception {
        StreamEngine engine = engine(StreamConfig.builder().maxSessions(1).maxPendingMessages(8)
                .maxConsecutiveFailures(cause == Cause.FAILURE_LIMIT ? 1 : 5));
        RecordingChannel channel = cause == Cause.SLOW_CONSUMER ? new RecordingChannel().holdSends() : new RecordingChannel();
        StreamSession session = engine.open("hang", channel, "10.0.0.1");
        session.onBinaryMessage(JPEG);
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

        switch (cause) {
            case TEXT -> session.onTextMessage("hello");
            case INVALID_FRAME -> session.onBinaryMessage(new byte[] {1, 2, 3});
            case FRAME_TOO_LARGE -> session.onFrameTooLarge(64L * 1024 * 1024);
            case PROTOCOL_VIOLATION -> session.onProtocolViolation("unmasked client frame");
            case IDLE -> {
                clock.advance(IDLE);
                engine.sweep();
            }
            case FAILURE_LIMIT -> { } // the timeout itself is the failure that reaches the limit
            case SLOW_CONSUMER -> {
                for (int i = 0; i < 20; i++) {
                    session.onBinaryMessage(JPEG);
                }
            }
        }
        if (cause != Cause.SLOW_CONSUMER) {
            assertThat(channel.closes()).as("the frame in the pipeline may still be answered").isZero();
            assertThat(engine.takenSlots()).isEqualTo(1);
            clock.advance(TIMEOUT);
            engine.sweep();
        }

        assertThat(channel.closes()).isEqualTo(1);
        assertThat(channel.closeCode()).isEqualTo(cause.closeCode);
        assertThat(session.isClosed()).isTrue();
        assertThat(engine.takenSlots()).isZero();
        assertThat(engine.activeSessions()).isZero();
        RecordingChannel next = new RecordingChannel();
        StreamSession newcomer = engine.open("hang", next, "10.0.0.2");
        assertThat(newcomer.isClosed()).as("the newcomer gets the slot while the old pipeline still hangs").isFalse();
        if (cause != Cause.SLOW_CONSUMER) {
            assertThat(engine.stuckWorkers()).isEqualTo(1);
        }
        assertThat(processorsClosed).as("the hung pipeline is still in use").hasValue(0);

        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> processorsClosed.get() == 1);
        assertThat(engine.stuckWorkers()).isZero();
        SessionStats stats = session.stats();
        assertThat(stats.received()).isEqualTo(stats.processed() + stats.dropped() + stats.failed() + stats.unanswered());
    }

    @Test
    @DisplayName("a frame that times out after its client left still counts as a stuck worker and is released")
    void timeoutFiresWhenTheClientIsGone() throws Exception {
        StreamEngine engine = engine(StreamConfig.builder());
        RecordingChannel channel = new RecordingChannel();
        StreamSession session = engine.open("hang", channel, "10.0.0.1");
        session.onBinaryMessage(JPEG);
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        session.onTransportClosed(1006);
        assertThat(engine.activeSessions()).isZero();

        clock.advance(TIMEOUT);
        assertThat(engine.failTimedOutFrames()).isEqualTo(1);

        assertThat(engine.stuckWorkers()).isEqualTo(1);
        assertThat(engine.notReadyReason()).hasValueSatisfying(reason -> assertThat(reason).contains("stuck"));
        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.stuckWorkers() == 0);
        assertThat(engine.notReadyReason()).isEmpty();
        assertThat(channel.messages()).isEmpty();
        assertThat(session.stats().unanswered()).isEqualTo(1);
    }

    @Nested
    @DisplayName("admission")
    class Admissions {

        private StreamEngine engine(int maxSessions) {
            return StreamEngine.builder(PipelineRegistry.of(Map.of("noop", () -> frame -> InferenceResult.empty())))
                    .config(StreamConfig.builder().maxSessions(maxSessions).build()).clock(clock)
                    .executor(Runnable::run).build();
        }

        @Test
        @DisplayName("slots are taken at the handshake, in arrival order: the (N+1)th handshake is the one refused")
        void arrivalOrder() {
            StreamEngine engine = engine(3);
            List<Admission> handshakes = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                handshakes.add(engine.admit("noop", null));
            }
            // the upgrades complete in another order than the handshakes arrived
            List<StreamSession> sessions = new ArrayList<>();
            for (int i : new int[] {3, 1, 0, 2}) {
                sessions.add(engine.open(handshakes.get(i), new RecordingChannel(), "10.0.0.1"));
            }
            assertThat(handshakes).extracting(Admission::admitted).containsExactly(true, true, true, false);
            assertThat(sessions.get(0).isClosed()).as("the fourth handshake").isTrue();
            assertThat(sessions.subList(1, 4)).noneMatch(StreamSession::isClosed);
        }

        @Test
        @DisplayName("a handshake that never completes gives its slot back after the reservation timeout")
        void abandonedHandshake() {
            StreamEngine engine = engine(1);
            Admission lost = engine.admit("noop", null);
            assertThat(engine.admit("noop", null).admitted()).isFalse();
            clock.advance(StreamEngine.RESERVATION_TIMEOUT.plusSeconds(1));
            engine.sweep();
            assertThat(engine.takenSlots()).isZero();
            RecordingChannel late = new RecordingChannel();
            assertThat(engine.open(lost, late, "x").isClosed()).as("the expired handshake is refused").isTrue();
            assertThat(late.messages(StreamError.class).get(0).code()).isEqualTo(ErrorCode.SERVER_BUSY);
            assertThat(engine.admit("noop", null).admitted()).isTrue();
        }

        @Test
        @DisplayName("a cancelled handshake gives its slot back at once, once")
        void cancelledHandshake() {
            StreamEngine engine = engine(1);
            Admission admission = engine.admit("noop", null);
            admission.cancel();
            admission.cancel();
            assertThat(engine.takenSlots()).isZero();
        }

        @Test
        @DisplayName("by default one address may open every session; the per-client cap is opt-in")
        void noPerClientCapByDefault() {
            StreamEngine engine = engine(64);
            for (int i = 0; i < 64; i++) {
                assertThat(engine.open("noop", new RecordingChannel(), "10.0.0.1").isClosed()).isFalse();
            }
        }

        @Test
        @DisplayName("while draining, handshakes are refused as draining (transports answer 503 with Retry-After)")
        void drainingRefusesHandshakes() {
            StreamEngine engine = engine(4);
            engine.shutdown(Duration.ZERO);
            Admission admission = engine.admit("noop", null);
            assertThat(admission.admitted()).isFalse();
            assertThat(admission.draining()).isTrue();
            assertThat(admission.refusal()).isEqualTo(ErrorCode.SERVER_BUSY);
        }

        @Test
        @DisplayName("an unknown mode is refused with invalid_message, the modes listed, and close 1008")
        void unknownMode() {
            StreamEngine engine = engine(4);
            RecordingChannel channel = new RecordingChannel();
            engine.open(engine.admit("noop", "turbo"), channel, "x");
            StreamError error = channel.messages(StreamError.class).get(0);
            assertThat(error.code()).isEqualTo(ErrorCode.INVALID_MESSAGE);
            assertThat(error.detail()).contains("'turbo'").contains("realtime, lossless");
            assertThat(channel.closeCode()).isEqualTo(1008);
            assertThat(engine.takenSlots()).isZero();
        }
    }

    @Nested
    @DisplayName("memory budget")
    class Memory {

        @Test
        @DisplayName("frames past the memory budget are answered dropped at once instead of held; the bytes come back")
        void framesPastTheBudgetAreDropped() {
            byte[] big = TestJpegs.paddedTo(JPEG, 5 * 1024 * 1024);
            ManualExecutor executor = new ManualExecutor();
            StreamEngine engine = StreamEngine.builder(PipelineRegistry.of(Map.of("p", () -> frame -> InferenceResult.empty())))
                    .config(StreamConfig.builder().maxFrameBytes(6L * 1024 * 1024).memoryBudgetBytes(16L * 1024 * 1024).build())
                    .clock(clock).executor(executor).build();
            List<RecordingChannel> channels = new ArrayList<>();
            List<StreamSession> sessions = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                RecordingChannel channel = new RecordingChannel();
                channels.add(channel);
                sessions.add(engine.open("p", channel, "10.0.0." + i));
            }
            for (StreamSession session : sessions) {
                session.onBinaryMessage(big); // 4 x 5 MiB against 16 MiB: the fourth does not fit
            }

            assertThat(engine.memoryBudget().used()).isEqualTo(3L * big.length);
            assertThat(channels.get(3).messages(FrameDropped.class)).extracting(FrameDropped::frameIndex).containsExactly(1L);
            executor.runAll();
            assertThat(engine.memoryBudget().used()).isZero();
            assertThat(channels.subList(0, 3)).allSatisfy(c -> assertThat(c.messages(FrameResult.class)).hasSize(1));
            sessions.get(3).onBinaryMessage(big);
            executor.runAll();
            assertThat(channels.get(3).messages(FrameResult.class)).extracting(FrameResult::frameIndex).containsExactly(2L);
        }

        @Test
        @DisplayName("a frame the transport skipped for memory is answered dropped with the next index")
        void skippedFrame() {
            StreamEngine engine = StreamEngine.builder(PipelineRegistry.of(Map.of("p", () -> frame -> InferenceResult.empty())))
                    .clock(clock).executor(Runnable::run).build();
            RecordingChannel channel = new RecordingChannel();
            StreamSession session = engine.open("p", channel, "x");
            session.onFrameSkipped(5_000_000);
            session.onBinaryMessage(JPEG);

            assertThat(channel.messages()).extracting(Object::toString).hasSize(2);
            assertThat(channel.messages(FrameDropped.class)).extracting(FrameDropped::frameIndex).containsExactly(1L);
            assertThat(channel.messages(FrameResult.class)).extracting(FrameResult::frameIndex).containsExactly(2L);
            assertThat(session.stats().dropped()).isEqualTo(1);
        }
    }

    @Nested
    @DisplayName("lossless mode")
    class Lossless {

        @Test
        @DisplayName("frames queue in order up to the lossless depth; one arriving when it is full is dropped at once")
        void queuesInOrder() {
            ManualExecutor executor = new ManualExecutor();
            List<Long> seen = new ArrayList<>();
            StreamEngine engine = StreamEngine.builder(PipelineRegistry.of(Map.of("p", () -> frame -> {
                seen.add(frame.index());
                return InferenceResult.empty();
            }))).config(StreamConfig.builder().losslessQueueDepth(3).build()).clock(clock).executor(executor).build();
            RecordingChannel channel = new RecordingChannel();
            StreamSession session = engine.open(engine.admit("p", "lossless"), channel, "x");

            for (int i = 0; i < 5; i++) {
                session.onBinaryMessage(JPEG);
            }
            executor.runAll();

            assertThat(seen).containsExactly(1L, 2L, 3L);
            assertThat(channel.messages(FrameDropped.class)).extracting(FrameDropped::frameIndex).containsExactly(4L, 5L);
            assertThat(channel.messages(FrameResult.class)).extracting(FrameResult::frameIndex).containsExactly(1L, 2L, 3L);
        }
    }

    @Nested
    @DisplayName("accounting")
    class Accounting {

        private final List<String> events = new ArrayList<>();
        private final StreamListener recorder = new StreamListener() {
            @Override
            public synchronized void frameUnanswered(StreamSession session, long frameIndex, UnansweredReason reason) {
                events.add("unanswered " + frameIndex + " " + reason.label());
            }

            @Override
            public synchronized void frameProcessed(StreamSession session, long frameIndex, long p, long l) {
                events.add("processed " + frameIndex);
            }
        };

        @Test
        @DisplayName("a send that fails is counted as unanswered with reason send_failed, not as answered")
        void failedSendIsUnanswered() {
            OutboundChannel failing = new OutboundChannel() {
                @Override
                public void send(ServerMessage message, SendCallback callback) {
                    callback.failed(new java.io.IOException("broken pipe"));
                }

                @Override
                public void close(int closeCode, String reason) {
                }
            };
            StreamEngine engine = StreamEngine.builder(PipelineRegistry.of(Map.of("p", () -> frame -> InferenceResult.empty())))
                    .clock(clock).executor(Runnable::run).listener(recorder).build();
            StreamSession session = engine.open("p", failing, "x");
            session.onBinaryMessage(JPEG);

            assertThat(events).containsExactly("unanswered 1 send_failed");
            assertThat(session.stats().processed()).isZero();
            assertThat(session.stats().unanswered()).isEqualTo(1);
        }

        @Test
        @DisplayName("a listener that throws is isolated by the engine: the session goes on")
        void throwingListener() {
            StreamListener broken = new StreamListener() {
                @Override
                public void frameProcessed(StreamSession session, long frameIndex, long p, long l) {
                    throw new IllegalStateException("listener bug");
                }
            };
            StreamEngine engine = StreamEngine.builder(PipelineRegistry.of(Map.of("p", () -> frame -> InferenceResult.empty())))
                    .clock(clock).executor(Runnable::run).listener(broken).build();
            RecordingChannel channel = new RecordingChannel();
            StreamSession session = engine.open("p", channel, "x");
            session.onBinaryMessage(JPEG);
            session.onBinaryMessage(JPEG);

            assertThat(channel.messages(FrameResult.class)).hasSize(2);
            assertThat(session.stats().processed()).isEqualTo(2);
        }

        @Test
        @DisplayName("shutdown past its grace counts what was in the pipeline as unanswered with reason shutdown")
        void shutdownPastGrace() throws Exception {
            CountDownLatch inPipeline = new CountDownLatch(1);
            CountDownLatch hold = new CountDownLatch(1);
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                StreamEngine engine = StreamEngine.builder(PipelineRegistry.of(Map.of("p", () -> frame -> {
                    inPipeline.countDown();
                    awaitIgnoringInterrupts(hold);
                    return InferenceResult.empty();
                }))).clock(clock).executor(pool).listener(recorder).build();
                RecordingChannel channel = new RecordingChannel();
                StreamSession session = engine.open("p", channel, "x");
                session.onBinaryMessage(JPEG);
                assertThat(inPipeline.await(10, TimeUnit.SECONDS)).isTrue();

                assertThat(engine.shutdown(Duration.ZERO)).isFalse();
                hold.countDown();
                await().atMost(Duration.ofSeconds(10)).until(() -> session.stats().unanswered() == 1);

                assertThat(channel.closeCode()).isEqualTo(1001);
                assertThat(events).containsExactly("unanswered 1 shutdown");
            } finally {
                hold.countDown();
                pool.shutdownNow();
            }
        }
    }
}
