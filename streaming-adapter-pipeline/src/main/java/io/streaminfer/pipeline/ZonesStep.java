package io.streaminfer.pipeline;

import io.streaminfer.core.Detection;
import io.streaminfer.core.Frame;
import io.streaminfer.pipeline.track.Anchor;
import io.streaminfer.pipeline.track.Box;
import io.streaminfer.pipeline.track.CountLine;
import io.streaminfer.pipeline.track.LineCount;
import io.streaminfer.pipeline.track.Point;
import io.streaminfer.pipeline.track.TrackedBox;
import io.streaminfer.pipeline.track.Zone;
import io.streaminfer.pipeline.track.ZoneEvent;
import io.streaminfer.pipeline.track.ZoneJudge;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code zones}: judges the tracked detections (those with a {@code track_id}, from a
 * {@code track} step before it) against named zones and lines with {@link ZoneJudge}, and adds
 * to the result {@code events} (this frame's) and {@code counts} (the session's so far). On the
 * session's first result its object carries the zones' and lines' geometry, for drawing.
 */
final class ZonesStep implements Step {

    private final ZoneJudge judge;
    private final List<Zone> zones;
    private final List<CountLine> lines;
    private final PipelineTelemetry telemetry;
    private final String pipeline;
    private final EventPublisher publisher;
    private boolean geometrySent;

    ZonesStep(List<Zone> zones, List<CountLine> lines, Anchor anchor, PipelineTelemetry telemetry, String pipeline,
              EventPublisher publisher) {
        this.judge = new ZoneJudge(zones, lines, anchor);
        this.zones = List.copyOf(zones);
        this.lines = List.copyOf(lines);
        this.telemetry = telemetry;
        this.pipeline = pipeline;
        this.publisher = publisher;
    }

    @Override
    public StepOutput apply(Frame frame, FrameImage image) {
        throw new IllegalStateException("zones runs with its context");
    }

    @Override
    public StepOutput apply(Frame frame, FrameImage image, StepContext context) {
        List<TrackedBox> tracked = new ArrayList<>();
        for (Detection d : context.found()) {
            if (d.extras().get("track_id") instanceof Integer id) {
                tracked.add(new TrackedBox(id, new Box(d.x(), d.y(), d.w(), d.h(), d.label(), (float) d.score())));
            }
        }
        TrackStep.Tracked tracking = context.session().get(TrackStep.TRACKED) instanceof TrackStep.Tracked r
                && r.frameIndex() == frame.index() ? r : null;
        int[] removed = tracking == null ? new int[0] : tracking.removedIds();
        long timeNanos = tracking == null ? frame.receivedNanos() : tracking.timeNanos(); // the tracker's clock
        List<ZoneEvent> found = judge.judge(tracked, removed, frame.info().width(), frame.info().height(), timeNanos);
        List<Object> events = new ArrayList<>(found.size());
        for (ZoneEvent event : found) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("type", event.type().wireName());
            e.put(event.type().atLine() ? "line" : "zone", event.place());
            e.put("track_id", event.trackId());
            e.put("label", event.label());
            if (event.direction() != null) {
                e.put("direction", event.direction().wireName());
            }
            events.add(e);
            telemetry.zoneEvent(pipeline, event.place(), event.type().wireName());
        }
        Map<String, Object> counts = new LinkedHashMap<>();
        for (Map.Entry<String, LineCount> line : judge.lineCounts().entrySet()) {
            counts.put(line.getKey(), Map.of("in", line.getValue().in(), "out", line.getValue().out()));
        }
        for (Map.Entry<String, Integer> zone : judge.insideCounts().entrySet()) {
            counts.put(zone.getKey(), Map.of("inside", zone.getValue()));
        }
        Map<String, Object> top = new LinkedHashMap<>();
        top.put("events", events);
        top.put("counts", counts);
        publisher.events(frame, events);
        Map<String, Object> fields = new LinkedHashMap<>();
        if (!geometrySent) {
            geometrySent = true;
            fields.put("geometry", geometry());
        }
        return StepOutput.replacing(fields, context.found(), top);
    }

    /**
     * Reads the step's {@code zones} and {@code lines} parameters.
     *
     * @throws IllegalArgumentException with a sentence naming the zone or line and its bad key
     */
    static Shapes shapes(StepParams params) {
        List<Zone> zones = new ArrayList<>();
        int i = 0;
        for (Object item : list(params.json("zones"), "zones")) {
            i++;
            Map<?, ?> zone = object(item, "zones[" + i + "]", List.of("name", "polygon", "dwell_s"));
            String name = text(zone.get("name"), "zones[" + i + "].name");
            zones.add(new Zone(name, points(zone.get("polygon"), "zone '" + name + "': polygon"),
                    zone.containsKey("dwell_s") ? number(zone.get("dwell_s"), "zone '" + name + "': dwell_s") : 0));
        }
        List<CountLine> lines = new ArrayList<>();
        i = 0;
        for (Object item : list(params.json("lines"), "lines")) {
            i++;
            Map<?, ?> line = object(item, "lines[" + i + "]", List.of("name", "from", "to", "min_frames"));
            String name = text(line.get("name"), "lines[" + i + "].name");
            int minFrames = line.containsKey("min_frames")
                    ? (int) number(line.get("min_frames"), "line '" + name + "': min_frames") : (int) params.integer("min_frames");
            lines.add(new CountLine(name, point(line.get("from"), "line '" + name + "': from"),
                    point(line.get("to"), "line '" + name + "': to"), minFrames));
        }
        if (zones.isEmpty() && lines.isEmpty()) {
            throw new IllegalArgumentException("give at least one zone (\"zones\": [{\"name\", \"polygon\"}]) or line"
                    + " (\"lines\": [{\"name\", \"from\", \"to\"}])");
        }
        new ZoneJudge(zones, lines, Anchor.BOTTOM_CENTRE); // names unique
        return new Shapes(zones, lines);
    }

    /** The zones and lines of one step. */
    record Shapes(List<Zone> zones, List<CountLine> lines) {
    }

    /** @return the zone and line names of a step's parameters, with the event types each can produce */
    static Map<String, List<String>> declared(StepParams params) {
        Map<String, List<String>> names = new LinkedHashMap<>();
        try {
            Shapes shapes = shapes(params);
            shapes.zones().forEach(zone -> names.put(zone.name(), List.of("enter", "leave", "loiter")));
            shapes.lines().forEach(line -> names.put(line.name(), List.of("cross")));
        } catch (IllegalArgumentException e) {
            // reported by the step's factory, with where it is
        }
        return names;
    }

    private static List<?> list(Object value, String where) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw new IllegalArgumentException(where + " must be a list, got " + value);
        }
        return list;
    }

    private static Map<?, ?> object(Object value, String where, List<String> known) {
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException(where + " must be an object, got " + value);
        }
        for (Object key : map.keySet()) {
            if (!known.contains(String.valueOf(key))) {
                throw new IllegalArgumentException(where + ": unknown key '" + key + "' (known: " + String.join(", ", known) + ")");
            }
        }
        return map;
    }

    private static String text(Object value, String where) {
        if (!(value instanceof String text) || text.isBlank()) {
            throw new IllegalArgumentException(where + " must be a non-empty string, got " + value);
        }
        return text;
    }

    private static double number(Object value, String where) {
        if (!(value instanceof Number number)) {
            throw new IllegalArgumentException(where + " must be a number, got " + value);
        }
        return number.doubleValue();
    }

    private static Point point(Object value, String where) {
        if (!(value instanceof List<?> xy) || xy.size() != 2) {
            throw new IllegalArgumentException(where + " must be [x, y] in 0..1 (a share of the frame's width and height), got " + value);
        }
        return new Point(number(xy.get(0), where + " x"), number(xy.get(1), where + " y"));
    }

    private static List<Point> points(Object value, String where) {
        List<Point> points = new ArrayList<>();
        for (Object item : list(value, where)) {
            points.add(point(item, where + " point " + (points.size() + 1)));
        }
        return points;
    }

    private Map<String, Object> geometry() {
        List<Object> zoneShapes = new ArrayList<>();
        for (Zone zone : zones) {
            zoneShapes.add(Map.of("name", zone.name(), "polygon", zone.points().stream().map(p -> List.of(p.x(), p.y())).toList()));
        }
        List<Object> lineShapes = new ArrayList<>();
        for (CountLine line : lines) {
            lineShapes.add(Map.of("name", line.name(), "from", List.of(line.from().x(), line.from().y()),
                    "to", List.of(line.to().x(), line.to().y())));
        }
        return Map.of("zones", zoneShapes, "lines", lineShapes);
    }
}
