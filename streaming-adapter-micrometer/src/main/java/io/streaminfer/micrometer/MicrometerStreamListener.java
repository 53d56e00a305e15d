package io.streaminfer.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.streaminfer.core.ErrorCode;
import io.streaminfer.core.StreamEngine;
import io.streaminfer.core.StreamListener;
import io.streaminfer.core.StreamSession;
import io.streaminfer.core.UnansweredReason;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Binds the engine's metrics port to a Micrometer registry: the standalone server and the Spring
 * Boot starter record the same meters (their names are listed in {@code docs/operations.md}).
 * Pipeline tags only ever hold ids of the registry (a session opens only for a known pipeline),
 * and refusals are tagged by reason, so cardinality stays bounded.
 *
 * <p>Give it to {@link StreamEngine.Builder#listener}, then call {@link #bindEngine} with the
 * built engine for its worker gauges. Thread-safe, as the port requires.
 */
public final class MicrometerStreamListener implements StreamListener {

    private final MeterRegistry registry;
    private final Map<String, PipelineMeters> pipelines = new ConcurrentHashMap<>();
    private final Map<ErrorCode, Counter> refusals = new ConcurrentHashMap<>();
    private final Map<ErrorCode, Counter> errors = new ConcurrentHashMap<>();
    private final DistributionSummary frameSize;
    /** The pipelines offered now; {@literal null} until {@link #pipelinesOffered} says otherwise: all are kept. */
    private volatile java.util.Set<String> offered;

    /**
     * @param registry    where the meters go
     * @param pipelineIds the pipelines offered: each gets its meters, at zero, from the start
     */
    public MicrometerStreamListener(MeterRegistry registry, Collection<String> pipelineIds) {
        this.registry = registry;
        this.frameSize = DistributionSummary.builder("stream.frame.size")
                .description("Size of received binary messages")
                .baseUnit("bytes")
                .publishPercentiles(0.5, 0.9, 0.99)
                .register(registry);
        pipelineIds.forEach(this::meters); // every pipeline shows up, at zero, from the start
    }

    /**
     * Registers the worker pool gauges of the engine.
     *
     * @param engine the engine this listener was given to
     */
    public void bindEngine(StreamEngine engine) {
        Gauge.builder("stream.workers.busy", engine, StreamEngine::busyWorkers)
                .description("Workers running a pipeline now").register(registry);
        Gauge.builder("stream.workers.queued", engine, StreamEngine::queuedTasks)
                .description("Sessions waiting for a free worker").register(registry);
        Gauge.builder("stream.workers.stuck", engine, StreamEngine::stuckWorkers)
                .description("Workers still held by a pipeline that timed out").register(registry);
        Gauge.builder("stream.memory.budget.used", engine, e -> e.memoryBudget().used())
                .description("Bytes of frames held across sessions: being read by the transport, waiting, or in a pipeline")
                .baseUnit("bytes").register(registry);
        Gauge.builder("stream.memory.budget.limit", engine, e -> e.memoryBudget().limit())
                .description("The most bytes of frames held at once (STREAM_MEMORY_BUDGET_MB)")
                .baseUnit("bytes").register(registry);
    }

    /**
     * After the pipelines offered changed (a reload): each new id gets its meters, at zero; the
     * meters of an id no longer offered are removed once its last session has closed (sessions
     * that started on it may still run).
     *
     * @param pipelineIds the pipelines offered now
     */
    public void pipelinesOffered(Collection<String> pipelineIds) {
        offered = java.util.Set.copyOf(pipelineIds);
        pipelineIds.forEach(this::meters);
        for (String id : pipelines.keySet()) {
            removeIfGone(id);
        }
    }

    private void removeIfGone(String pipelineId) {
        java.util.Set<String> now = offered;
        if (now == null || now.contains(pipelineId)) {
            return;
        }
        pipelines.computeIfPresent(pipelineId, (id, meters) -> {
            if (meters.active.get() > 0) {
                return meters;
            }
            meters.remove(registry);
            return null;
        });
    }

    private PipelineMeters meters(String pipelineId) {
        return pipelines.computeIfAbsent(pipelineId, id -> new PipelineMeters(registry, id));
    }

    @Override
    public void sessionOpened(StreamSession session) {
        PipelineMeters meters = meters(session.pipelineId());
        meters.opened.increment();
        meters.active.incrementAndGet();
    }

    @Override
    public void sessionRefused(ErrorCode code, String pipelineId, String remote) {
        refusals.computeIfAbsent(code, c -> Counter.builder("stream.connections.refused")
                .description("Connections refused before a session opened")
                .tag("reason", c.wireName()).register(registry)).increment();
        countError(code);
    }

    @Override
    public void sessionClosed(StreamSession session, int closeCode) {
        if (meters(session.pipelineId()).active.decrementAndGet() == 0) {
            removeIfGone(session.pipelineId());
        }
    }

    @Override
    public void frameReceived(StreamSession session, int bytes) {
        meters(session.pipelineId()).received.increment();
        frameSize.record(bytes);
    }

    @Override
    public void frameDropped(StreamSession session, long frameIndex) {
        meters(session.pipelineId()).dropped.increment();
    }

    @Override
    public void frameProcessed(StreamSession session, long frameIndex, long pipelineNanos, long latencyNanos) {
        PipelineMeters meters = meters(session.pipelineId());
        meters.processed.increment();
        meters.pipelineDuration.record(pipelineNanos, TimeUnit.NANOSECONDS);
        meters.latency.record(latencyNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void frameFailed(StreamSession session, long frameIndex, Throwable cause) {
        meters(session.pipelineId()).failed.increment();
    }

    @Override
    public void frameUnanswered(StreamSession session, long frameIndex, UnansweredReason reason) {
        meters(session.pipelineId()).unanswered(reason).increment();
    }

    @Override
    public void slowDown(StreamSession session, double dropRate, double recommendedFps) {
        meters(session.pipelineId()).slowDowns.increment();
    }

    @Override
    public void errorSent(StreamSession session, ErrorCode code) {
        countError(code);
    }

    private void countError(ErrorCode code) {
        errors.computeIfAbsent(code, c -> Counter.builder("stream.errors")
                .description("Error messages sent to clients, by code")
                .tag("code", c.wireName()).register(registry)).increment();
    }

    /** Histogram buckets for pipeline time and latency: what an operator would set alerts on. */
    private static final Duration[] BUCKETS = {
        Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
        Duration.ofMillis(50), Duration.ofMillis(75), Duration.ofMillis(100), Duration.ofMillis(150),
        Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
        Duration.ofSeconds(5), Duration.ofSeconds(10)};

    /** The meters of one pipeline, looked up once. */
    private static final class PipelineMeters {

        final AtomicInteger active = new AtomicInteger();
        final Counter opened;
        final Counter received;
        final Counter processed;
        final Counter dropped;
        final Counter failed;
        final Map<UnansweredReason, Counter> unanswered = new java.util.EnumMap<>(UnansweredReason.class);
        final Counter slowDowns;
        final Timer pipelineDuration;
        final Timer latency;
        final Gauge activeGauge;

        PipelineMeters(MeterRegistry registry, String pipeline) {
            activeGauge = Gauge.builder("stream.sessions.active", active, AtomicInteger::get)
                    .description("Open sessions").tag("pipeline", pipeline).register(registry);
            opened = counter(registry, "stream.connections.opened", "Sessions opened", pipeline);
            received = counter(registry, "stream.frames.received", "Binary messages received", pipeline);
            processed = counter(registry, "stream.frames.processed", "Frames answered with a result", pipeline);
            dropped = counter(registry, "stream.frames.dropped", "Frames dropped by backpressure", pipeline);
            failed = counter(registry, "stream.frames.failed",
                    "Frames answered with an error: pipeline_failure, invalid_frame or frame_too_large", pipeline);
            for (UnansweredReason reason : UnansweredReason.values()) {
                unanswered.put(reason, Counter.builder("stream.frames.unanswered")
                        .description("Frames received that got no answer, by reason (received = processed + dropped"
                                + " + failed + unanswered)")
                        .tag("pipeline", pipeline).tag("reason", reason.label()).register(registry));
            }
            slowDowns = counter(registry, "stream.slowdown.warnings", "slow_down warnings sent", pipeline);
            pipelineDuration = timer(registry, "stream.pipeline.duration", "Time a frame spent in its pipeline", pipeline);
            latency = timer(registry, "stream.frame.latency", "Time from receiving a frame to handing its result to the transport", pipeline);
        }

        void remove(MeterRegistry registry) {
            for (io.micrometer.core.instrument.Meter meter : List.of(activeGauge, opened, received, processed, dropped,
                    failed, slowDowns, pipelineDuration, latency)) {
                registry.remove(meter);
            }
            unanswered.values().forEach(registry::remove);
        }

        Counter unanswered(UnansweredReason reason) {
            return unanswered.get(reason);
        }

        private static Counter counter(MeterRegistry registry, String name, String description, String pipeline) {
            return Counter.builder(name).description(description).tag("pipeline", pipeline).register(registry);
        }

        private static Timer timer(MeterRegistry registry, String name, String description, String pipeline) {
            return Timer.builder(name).description(description).tag("pipeline", pipeline)
                    .serviceLevelObjectives(BUCKETS)
                    .register(registry);
        }
    }
}
