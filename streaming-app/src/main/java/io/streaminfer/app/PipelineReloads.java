package io.streaminfer.app;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.streaminfer.core.PipelineInfo;
import io.streaminfer.micrometer.MicrometerStreamListener;
import io.streaminfer.pipeline.PipelineFileException;
import io.streaminfer.pipeline.PipelineTelemetry;
import io.streaminfer.pipeline.Pipelines;
import io.streaminfer.pipeline.ReloadablePipelines;
import io.streaminfer.sinks.SinkStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reloads the server's pipelines ({@code SIGHUP}, {@code POST /pipelines/reload}): rebuilds them
 * from the pipelines file through {@link ReloadablePipelines}, then brings the metrics up to date
 * and logs {@code pipelines_reloaded} or {@code pipelines_reload_refused}. Also owns the meters of
 * what the pipelines count outside the engine (zone events, active tracks, sinks), which change
 * with the file. Thread-safe; reloads run one at a time.
 */
public final class PipelineReloads {

    private static final Logger LOG = LoggerFactory.getLogger("io.streaminfer.server");

    private final ReloadablePipelines pipelines;
    private final Path file;
    private final MeterRegistry metrics;
    private final MicrometerStreamListener streamMetrics;
    private final List<Meter> pipelineMeters = new ArrayList<>(); // guarded by this

    /**
     * What a reload did.
     *
     * @param reloaded    whether the new pipelines serve now
     * @param generation  the generation serving now
     * @param pipelines   the ids offered now
     * @param unavailable pipelines that cannot run here, with the reason, by id
     * @param refusal     why the file was refused (for clients: no path, no class name), or {@literal null}
     */
    public record Outcome(boolean reloaded, long generation, List<String> pipelines, Map<String, String> unavailable,
                   String refusal) {

        /** @return what {@code serving} offers, as the outcome of a reload that swapped it in or was refused */
        static Outcome of(boolean reloaded, ReloadablePipelines.Loaded serving, String refusal) {
            Map<String, String> unavailable = new LinkedHashMap<>();
            serving.pipelines().stream().filter(p -> !p.available()).forEach(p -> unavailable.put(p.id(), p.unavailableReason()));
            return new Outcome(reloaded, serving.generation(), serving.pipelines().stream().map(PipelineInfo::id).toList(),
                    unavailable, refusal);
        }
    }

    PipelineReloads(ReloadablePipelines pipelines, Path file, MeterRegistry metrics, MicrometerStreamListener streamMetrics) {
        this.pipelines = pipelines;
        this.file = file;
        this.metrics = metrics;
        this.streamMetrics = streamMetrics;
    }

    /**
     * Reads the pipelines file again and, when it is good, swaps the new pipelines in; a bad file
     * changes nothing. Never throws.
     *
     * @return what happened, never {@literal null}
     */
    synchronized Outcome reload() {
        long start = System.nanoTime();
        ReloadablePipelines.Loaded loaded;
        try {
            loaded = pipelines.reload();
        } catch (PipelineFileException e) {
            return refused(e.getMessage(), clientText(e.getMessage()), start);
        } catch (RuntimeException e) {
            LOG.atWarn().setMessage("pipelines_reload_failed").addKeyValue("event", "pipelines_reload_failed")
                    .setCause(e).log();
            return refused(String.valueOf(e.getMessage()),
                    "the pipelines could not be built; the server log has the details", start);
        }
        long took = (System.nanoTime() - start) / 1_000_000;
        Outcome outcome = Outcome.of(true, loaded, null);
        streamMetrics.pipelinesOffered(outcome.pipelines());
        bindMetrics();
        LOG.atInfo().setMessage("pipelines_reloaded")
                .addKeyValue("event", "pipelines_reloaded")
                .addKeyValue("generation", outcome.generation())
                .addKeyValue("pipelines", outcome.pipelines())
                .addKeyValue("unavailable", outcome.unavailable())
                .addKeyValue("pipelines_file", file == null ? "(built-in)" : file.toString())
                .addKeyValue("took_ms", took)
                .log();
        return outcome;
    }

    private Outcome refused(String reason, String detail, long start) {
        long took = (System.nanoTime() - start) / 1_000_000;
        ReloadablePipelines.Loaded serving = pipelines.loaded();
        LOG.atWarn().setMessage("pipelines_reload_refused")
                .addKeyValue("event", "pipelines_reload_refused")
                .addKeyValue("reason", reason)
                .addKeyValue("generation", serving.generation())
                .addKeyValue("took_ms", took)
                .log();
        return Outcome.of(false, serving, detail);
    }

    /** The operator's log names the file; the API's answer names only the file's name. */
    private String clientText(String reason) {
        if (file == null) {
            return reason;
        }
        String text = reason.replace(file.toString(), String.valueOf(file.getFileName()));
        Path absolute = file.toAbsolutePath();
        return text.replace(absolute.toString(), String.valueOf(file.getFileName()));
    }

    /**
     * (Re)registers the meters of zone events, active tracks and sinks for the pipelines serving
     * now, and removes those of zones, lines and sinks that are gone. Counters go on across a
     * reload: zone events count into the same counters, and an unchanged sink is the same sink.
     */
    synchronized void bindMetrics() {
        pipelineMeters.forEach(metrics::remove);
        pipelineMeters.clear();
        Pipelines.telemetry(pipelines).ifPresent(telemetry -> {
            for (PipelineTelemetry.ZoneSeries series : telemetry.zoneSeries()) {
                pipelineMeters.add(FunctionCounter.builder("stream.zone.events", telemetry, t -> t.zoneEvents(series))
                        .description("Zone events (enter, leave, loiter, cross) by pipeline, zone or line, and type")
                        .tags("pipeline", series.pipeline(), "zone", series.zone(), "type", series.type())
                        .register(metrics));
            }
            for (String pipeline : telemetry.activeTracks().keySet()) {
                pipelineMeters.add(Gauge.builder("stream.tracks.active", telemetry,
                                t -> t.activeTracks().getOrDefault(pipeline, 0L))
                        .description("Confirmed tracks held by the sessions of a pipeline (seen, or lost and not yet removed)")
                        .tag("pipeline", pipeline).register(metrics));
            }
        });
        for (Pipelines.SinkOf sink : Pipelines.sinks(pipelines)) {
            SinkStats stats = sink.sink().stats();
            String[] tags = {"pipeline", sink.pipeline(), "sink", sink.name()};
            pipelineMeters.add(FunctionCounter.builder("stream.sink.events.sent", stats, SinkStats::sent)
                    .description("Events a sink delivered").tags(tags).register(metrics));
            pipelineMeters.add(FunctionCounter.builder("stream.sink.events.failed", stats, SinkStats::failed)
                    .description("Send attempts that failed (retried with backoff)").tags(tags).register(metrics));
            pipelineMeters.add(FunctionCounter.builder("stream.sink.events.dropped", stats, SinkStats::dropped)
                    .description("Events a sink dropped: the oldest when its queue was full, or refused by the endpoint")
                    .tags(tags).register(metrics));
            pipelineMeters.add(Gauge.builder("stream.sink.queue.length", stats, SinkStats::queueLength)
                    .description("Events waiting in a sink's queue").tags(tags).register(metrics));
            pipelineMeters.add(Gauge.builder("stream.sink.up", stats, s -> s.connected() ? 1 : 0)
                    .description("1 while a sink's last send succeeded").tags(tags).register(metrics));
        }
    }
}
