package io.streaminfer.core;

import io.streaminfer.core.ServerMessage.FrameDropped;
import io.streaminfer.core.ServerMessage.FrameResult;
import io.streaminfer.core.ServerMessage.StreamError;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random sequences of everything that can happen to sessions (frames, pipeline failures and
 * timeouts, drops, sends that complete late or fail, text messages, invalid frames, idle time,
 * disconnects, shutdown), driven with a manual clock and a manual executor. Afterwards every
 * session satisfies {@code received = processed + dropped + failed + unanswered}, in its stats
 * and in what the listener heard, no frame is answered twice, results come in increasing
 * order, and nothing is sent after the close.
 */
class EngineAccountingPropertiesTest {

    private static final byte[] JPEG = TestJpegs.orange64x48();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    enum Action {
        FRAME, FAILING_FRAME, HANGING_FRAME, LEAVING_FRAME, RUN_TASK, SEND_OK, SEND_FAILS, ADVANCE_CLOCK, SWEEP, TEXT, INVALID_FRAME,
        DISCONNECT, SHUTDOWN
    }

    /** One step: what, and to which of three sessions. */
    record Step(Action action, int session) {
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Step> step = net.jqwik.api.Combinators.combine(
                Arbitraries.frequency(
                        net.jqwik.api.Tuple.of(12, Action.FRAME), net.jqwik.api.Tuple.of(2, Action.FAILING_FRAME),
                        net.jqwik.api.Tuple.of(2, Action.HANGING_FRAME), net.jqwik.api.Tuple.of(1, Action.LEAVING_FRAME),
                        net.jqwik.api.Tuple.of(12, Action.RUN_TASK),
                        net.jqwik.api.Tuple.of(12, Action.SEND_OK), net.jqwik.api.Tuple.of(2, Action.SEND_FAILS),
                        net.jqwik.api.Tuple.of(2, Action.ADVANCE_CLOCK), net.jqwik.api.Tuple.of(2, Action.SWEEP),
                        net.jqwik.api.Tuple.of(1, Action.TEXT), net.jqwik.api.Tuple.of(1, Action.INVALID_FRAME),
                        net.jqwik.api.Tuple.of(1, Action.DISCONNECT), net.jqwik.api.Tuple.of(1, Action.SHUTDOWN)),
                Arbitraries.integers().between(0, 2)).as(Step::new);
        return step.list().ofMinSize(1).ofMaxSize(120);
    }

    private static final class Counts {
        final AtomicLong received = new AtomicLong();
        final AtomicLong processed = new AtomicLong();
        final AtomicLong dropped = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicLong unanswered = new AtomicLong();
    }

    @Property(tries = 300)
    void everyFrameIsAccountedForOnce(@ForAll("steps") List<Step> steps) {
        ManualClock clock = new ManualClock();
        ManualExecutor executor = new ManualExecutor();
        Map<String, Counts> heard = new ConcurrentHashMap<>();
        StreamListener listener = new StreamListener() {
            private Counts of(StreamSession s) {
                return heard.computeIfAbsent(s.id(), id -> new Counts());
            }

            @Override
            public void frameReceived(StreamSession session, int bytes) {
                of(session).received.incrementAndGet();
            }

            @Override
            public void frameProcessed(StreamSession session, long frameIndex, long p, long l) {
                of(session).processed.incrementAndGet();
            }

            @Override
            public void frameDropped(StreamSession session, long frameIndex) {
                of(session).dropped.incrementAndGet();
            }

            @Override
            public void frameFailed(StreamSession session, long frameIndex, Throwable cause) {
                of(session).failed.incrementAndGet();
            }

            @Override
            public void frameUnanswered(StreamSession session, long frameIndex, UnansweredReason reason) {
                of(session).unanswered.incrementAndGet();
            }
        };
        Set<String> failing = new HashSet<>();
        Set<String> hanging = new HashSet<>();
        Set<String> leaving = new HashSet<>();
        StreamEngine[] engineRef = new StreamEngine[1];
        List<StreamSession> sessions = new ArrayList<>();
        Map<String, java.util.function.Supplier<FrameProcessor>> pipelines = new java.util.HashMap<>();
        for (int i = 0; i < 3; i++) {
            int session = i;
            pipelines.put("p" + i, () -> frame -> {
                String key = session + "/" + frame.index();
                if (hanging.contains(key)) {
                    clock.advance(TIMEOUT); // it runs past the timeout; the sweeper fires meanwhile
                    engineRef[0].sweep();
                }
                if (leaving.contains(key)) {
                    sessions.get(session).onTransportClosed(1006); // the client leaves while its frame runs
                }
                if (failing.contains(key)) {
                    throw new IllegalStateException("boom");
                }
                return InferenceResult.empty();
            });
        }
        StreamEngine engine = StreamEngine.builder(PipelineRegistry.of(pipelines)).config(StreamConfig.builder().pipelineTimeout(TIMEOUT).idleTimeout(Duration.ofSeconds(30))
                        .maxPendingMessages(8).maxConsecutiveFailures(3).rateWindow(4).build())
                .clock(clock).executor(executor).listener(listener).build();
        engineRef[0] = engine;
        List<RecordingChannel> channels = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            RecordingChannel channel = new RecordingChannel().holdSends();
            channels.add(channel);
            sessions.add(engine.open("p" + i, channel, "10.0.0." + i));
        }

        for (Step step : steps) {
            StreamSession session = sessions.get(step.session());
            RecordingChannel channel = channels.get(step.session());
            String next = step.session() + "/" + (session.stats().received() + 1);
            switch (step.action()) {
                case FRAME -> session.onBinaryMessage(JPEG);
                case FAILING_FRAME -> {
                    failing.add(next);
                    session.onBinaryMessage(JPEG);
                }
                case HANGING_FRAME -> {
                    hanging.add(next);
                    session.onBinaryMessage(JPEG);
                }
                case LEAVING_FRAME -> {
                    leaving.add(next);
                    session.onBinaryMessage(JPEG);
                }
                case RUN_TASK -> executor.runNext();
                case SEND_OK -> channel.completeOldest(true);
                case SEND_FAILS -> channel.completeOldest(false);
                case ADVANCE_CLOCK -> clock.advance(Duration.ofSeconds(7));
                case SWEEP -> engine.sweep();
                case TEXT -> session.onTextMessage("hi");
                case INVALID_FRAME -> session.onBinaryMessage(new byte[] {0, 1, 2});
                case DISCONNECT -> session.onTransportClosed(1006);
                case SHUTDOWN -> engine.shutdown(Duration.ZERO);
            }
        }
        // let everything settle: every held send completes, every task runs
        boolean progress = true;
        while (progress) {
            progress = executor.runNext();
            for (RecordingChannel channel : channels) {
                progress |= channel.completeOldest(true);
            }
        }

        assertThat(engine.memoryBudget().used()).as("every frame's bytes went back to the budget").isZero();
        for (int i = 0; i < 3; i++) {
            SessionStats stats = sessions.get(i).stats();
            assertThat(stats.received()).as("stats of session %d", i)
                    .isEqualTo(stats.processed() + stats.dropped() + stats.failed() + stats.unanswered());
            Counts counts = heard.getOrDefault(sessions.get(i).id(), new Counts());
            assertThat(counts.received.get()).isEqualTo(stats.received());
            assertThat(counts.processed.get() + counts.dropped.get() + counts.failed.get() + counts.unanswered.get())
                    .as("what the listener heard of session %d", i).isEqualTo(counts.received.get());
            assertThat(counts.processed.get()).isEqualTo(stats.processed());
            assertThat(counts.unanswered.get()).isEqualTo(stats.unanswered());

            List<ServerMessage> messages = channels.get(i).messages();
            List<Long> answered = new ArrayList<>();
            List<Long> results = new ArrayList<>();
            for (ServerMessage message : messages) {
                if (message instanceof FrameResult r) {
                    answered.add(r.frameIndex());
                    results.add(r.frameIndex());
                } else if (message instanceof FrameDropped d) {
                    answered.add(d.frameIndex());
                } else if (message instanceof StreamError e && e.frameIndex().isPresent()) {
                    answered.add(e.frameIndex().getAsLong());
                }
            }
            assertThat(answered).as("no frame answered twice").doesNotHaveDuplicates();
            assertThat(results).as("results in increasing order").isSorted();
            assertThat(answered).allMatch(index -> index >= 1 && index <= stats.received());
            assertThat(channels.get(i).closes()).as("closed at most once").isLessThanOrEqualTo(1);
        }
    }
}
