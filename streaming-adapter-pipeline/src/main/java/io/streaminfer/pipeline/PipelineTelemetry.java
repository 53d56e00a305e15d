package io.streaminfer.pipeline;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the pipelines of one registry count across their sessions, for the server's metrics:
 * zone events by pipeline, zone (or line) and type, and the tracks active per pipeline. The
 * names a pipelines file declares are registered when it is loaded, so every series exists (at
 * 0) from the start; only those are listed. A registry rebuilt by a reload shares the counters of
 * the one it replaces, so a series goes on counting across the reload (and the sessions still on
 * the old pipelines count into it too). Thread-safe.
 */
public final class PipelineTelemetry {

    /** One series of zone events. */
    public record ZoneSeries(String pipeline, String zone, String type) {
    }

    // the counters, shared by the registries of successive reloads
    private final Map<ZoneSeries, LongAdder> zoneEvents;
    private final Map<String, AtomicLong> activeTracks;
    private final java.util.Set<ZoneSeries> declaredZones = ConcurrentHashMap.newKeySet();
    private final java.util.Set<String> declaredTracking = ConcurrentHashMap.newKeySet();

    PipelineTelemetry() {
        this(new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
    }

    private PipelineTelemetry(Map<ZoneSeries, LongAdder> zoneEvents, Map<String, AtomicLong> activeTracks) {
        this.zoneEvents = zoneEvents;
        this.activeTracks = activeTracks;
    }

    /** @return a telemetry for the registry that replaces this one's: the same counters, nothing declared yet */
    PipelineTelemetry successor() {
        return new PipelineTelemetry(zoneEvents, activeTracks);
    }

    void declareZone(String pipeline, String zone, List<String> types) {
        for (String type : types) {
            ZoneSeries series = new ZoneSeries(pipeline, zone, type);
            zoneEvents.computeIfAbsent(series, k -> new LongAdder());
            declaredZones.add(series);
        }
    }

    void declareTracking(String pipeline) {
        activeTracks.computeIfAbsent(pipeline, k -> new AtomicLong());
        declaredTracking.add(pipeline);
    }

    void zoneEvent(String pipeline, String zone, String type) {
        zoneEvents.computeIfAbsent(new ZoneSeries(pipeline, zone, type), k -> new LongAdder()).increment();
    }

    void tracksChanged(String pipeline, long delta) {
        if (delta != 0) {
            activeTracks.computeIfAbsent(pipeline, k -> new AtomicLong()).addAndGet(delta);
        }
    }

    /** @return every series of zone events this registry's file declares */
    public List<ZoneSeries> zoneSeries() {
        return List.copyOf(declaredZones);
    }

    /** @return the events counted in a series so far */
    public long zoneEvents(ZoneSeries series) {
        LongAdder count = zoneEvents.get(series);
        return count == null ? 0 : count.sum();
    }

    /** @return the pipelines of this registry's file with a {@code track} step, by id, with their active tracks now (all sessions) */
    public Map<String, Long> activeTracks() {
        Map<String, Long> now = new TreeMap<>();
        for (String pipeline : declaredTracking) {
            AtomicLong count = activeTracks.get(pipeline);
            now.put(pipeline, count == null ? 0 : count.get());
        }
        return now;
    }
}
