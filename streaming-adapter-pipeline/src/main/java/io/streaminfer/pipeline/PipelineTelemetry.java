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
 * 0) from the start. Thread-safe.
 */
public final class PipelineTelemetry {

    /** One series of zone events. */
    public record ZoneSeries(String pipeline, String zone, String type) {
    }

    private final Map<ZoneSeries, LongAdder> zoneEvents = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> activeTracks = new ConcurrentHashMap<>();

    void declareZone(String pipeline, String zone, List<String> types) {
        for (String type : types) {
            zoneEvents.computeIfAbsent(new ZoneSeries(pipeline, zone, type), k -> new LongAdder());
        }
    }

    void declareTracking(String pipeline) {
        activeTracks.computeIfAbsent(pipeline, k -> new AtomicLong());
    }

    void zoneEvent(String pipeline, String zone, String type) {
        zoneEvents.computeIfAbsent(new ZoneSeries(pipeline, zone, type), k -> new LongAdder()).increment();
    }

    void tracksChanged(String pipeline, long delta) {
        if (delta != 0) {
            activeTracks.computeIfAbsent(pipeline, k -> new AtomicLong()).addAndGet(delta);
        }
    }

    /** @return every declared series of zone events */
    public List<ZoneSeries> zoneSeries() {
        return List.copyOf(zoneEvents.keySet());
    }

    /** @return the events counted in a series so far */
    public long zoneEvents(ZoneSeries series) {
        LongAdder count = zoneEvents.get(series);
        return count == null ? 0 : count.sum();
    }

    /** @return the pipelines with a {@code track} step, by id, with their active tracks now (all sessions) */
    public Map<String, Long> activeTracks() {
        Map<String, Long> now = new TreeMap<>();
        activeTracks.forEach((pipeline, count) -> now.put(pipeline, count.get()));
        return now;
    }
}
