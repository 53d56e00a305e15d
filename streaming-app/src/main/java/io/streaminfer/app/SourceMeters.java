package io.streaminfer.app;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.streaminfer.sources.SourceManager;
import io.streaminfer.sources.SourceStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * Each source's meters, registered when it is added and removed with it:
 * {@code stream_source_frames_{in,skipped,processed,dropped,failed,invalid}_total},
 * {@code stream_source_reconnects_total}, {@code stream_source_connected} and
 * {@code stream_source_watchers}, tagged by {@code source} and {@code pipeline}.
 */
final class SourceMeters implements SourceManager.Listener {

    private final MeterRegistry registry;
    private final SourceManager sources;
    private final Map<String, List<Meter>> meters = new ConcurrentHashMap<>();

    SourceMeters(MeterRegistry registry, SourceManager sources) {
        this.registry = registry;
        this.sources = sources;
    }

    @Override
    public void added(String id) {
        String pipeline = sources.status(id).map(SourceStatus::pipelineId).orElse("");
        String[] tags = {"source", id, "pipeline", pipeline};
        List<Meter> registered = new ArrayList<>();
        registered.add(counter("stream.source.frames.in", "Frames read from a source", tags, id, SourceStatus::framesIn));
        registered.add(counter("stream.source.frames.skipped",
                "Frames read from a source but not sent on: they came faster than its fps", tags, id, SourceStatus::skipped));
        registered.add(counter("stream.source.frames.processed", "Frames of a source the pipeline ran on", tags, id,
                SourceStatus::processed));
        registered.add(counter("stream.source.frames.dropped",
                "Frames of a source dropped by backpressure (the pipeline was busy; the newest frame won)", tags, id,
                SourceStatus::dropped));
        registered.add(counter("stream.source.frames.failed", "Frames of a source the pipeline failed on", tags, id,
                SourceStatus::failed));
        registered.add(counter("stream.source.frames.invalid",
                "Frames of a source skipped because they are not a valid JPEG or too large", tags, id, SourceStatus::invalid));
        registered.add(counter("stream.source.reconnects", "Connection attempts to a source after the first", tags, id,
                SourceStatus::reconnects));
        registered.add(Gauge.builder("stream.source.connected", sources,
                        s -> s.status(id).map(status -> status.connected() ? 1.0 : 0.0).orElse(Double.NaN))
                .description("1 while frames come in from a source").tags(tags).register(registry));
        registered.add(Gauge.builder("stream.source.watchers", sources,
                        s -> s.status(id).map(status -> (double) status.watchers()).orElse(Double.NaN))
                .description("Watchers connected to a source").tags(tags).register(registry));
        meters.put(id, registered);
    }

    private Meter counter(String name, String description, String[] tags, String id, ToDoubleFunction<SourceStatus> value) {
        return FunctionCounter.builder(name, sources, s -> s.status(id).map(value::applyAsDouble).orElse(0.0))
                .description(description).tags(tags).register(registry);
    }

    @Override
    public void removed(String id) {
        List<Meter> registered = meters.remove(id);
        if (registered != null) {
            registered.forEach(registry::remove);
        }
    }
}
