package io.streaminfer.pipeline.track;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Turns confirmed tracks into events at named zones and lines, and keeps the session's counts.
 * Pure: no I/O, no clock of its own.
 *
 * <p><b>Lifecycle.</b> One instance per session. The session's pipeline calls {@link #judge}
 * once per frame that reached it, in frame order, after the tracker's update for that frame,
 * from one thread at a time (never concurrently); the counts read what the last call left.
 *
 * <p>Each track is judged by one anchor point of its box ({@link Anchor}, bottom centre by
 * default), in normalised coordinates of the frame. A track not in a frame's list is neither in
 * nor out: nothing happens to it until it is seen again or its id is passed as removed.
 *
 * <p><b>Zones</b> ({@link Zone} says what counts as inside, boundary included): {@code enter}
 * when the anchor is inside and was not (or the track is seen for the first time inside),
 * {@code leave} when it was inside and is not, or when the track is removed while inside;
 * {@code loiter} once per visit when a track has been inside for the zone's {@code dwell_s}
 * seconds, measured on the caller's clock from the frame it entered to a frame it is seen in.
 *
 * <p><b>Lines.</b> A track crosses a line when its anchor's side of the line changes and stays
 * on the new side for the line's {@code min_frames} frames in a row in which it is seen, and the
 * point where its path (from its last position on the old side to its first on the new side)
 * meets the line lies within the segment. A frame where the anchor is exactly on the line is
 * skipped for that line. A side change beyond the segment's ends is no crossing, but the new side
 * becomes the one to leave. The first frame a track is seen only sets its side. Direction,
 * looking from the line's {@code from} towards its {@code to}, as drawn on the screen (y down):
 * <pre>
 *                 left side
 *      from o--------------------&gt; o to        left → right : in
 *                 right side                    right → left : out
 *
 *   e.g. from (0.1, 0.5) to (0.9, 0.5): the left side is the upper half of the frame,
 *   so a person walking down the picture crosses "in", walking up crosses "out".
 * </pre>
 *
 * <p>Events of one frame come in this order: {@code leave} for removed tracks, then per track
 * in the given order its zone events (zones in definition order), then its crossings (lines in
 * definition order).
 */
public final class ZoneJudge {

    private final List<Zone> zones;
    private final List<CountLine> lines;
    private final Anchor anchor;
    private final Map<Integer, Places> tracks = new HashMap<>();
    private final int[] inside;
    private final long[] crossedIn;
    private final long[] crossedOut;

    /**
     * @param zones  the zones, names unique among zones and lines; never {@literal null}
     * @param lines  the counting lines; never {@literal null}
     * @param anchor the point of each box that is judged; never {@literal null}
     * @throws IllegalArgumentException when a name is used twice
     */
    public ZoneJudge(List<Zone> zones, List<CountLine> lines, Anchor anchor) {
        this.zones = List.copyOf(zones);
        this.lines = List.copyOf(lines);
        this.anchor = Objects.requireNonNull(anchor, "anchor");
        Set<String> names = new HashSet<>();
        for (Zone zone : this.zones) {
            requireUnique(names, zone.name());
        }
        for (CountLine line : this.lines) {
            requireUnique(names, line.name());
        }
        inside = new int[this.zones.size()];
        crossedIn = new long[this.lines.size()];
        crossedOut = new long[this.lines.size()];
    }

    private static void requireUnique(Set<String> names, String name) {
        if (!names.add(name)) {
            throw new IllegalArgumentException("name '" + name + "' is used by two zones or lines; names must be unique");
        }
    }

    /**
     * Judges one frame.
     *
     * @param tracked         the confirmed tracks seen in this frame; never {@literal null}
     * @param removedTrackIds ids the tracker removed at this frame ({@link ByteTracker#removedIds()});
     *                        their state is forgotten, a {@code leave} given for each zone they were
     *                        in; never {@literal null}
     * @param frameWidth      the frame's width in pixels, positive
     * @param frameHeight     the frame's height in pixels, positive
     * @param timeNanos       when the frame arrived, on the same clock as the tracker's
     * @return the events of this frame; empty when none; never {@literal null}
     */
    public List<ZoneEvent> judge(List<TrackedBox> tracked, int[] removedTrackIds, int frameWidth, int frameHeight,
                                 long timeNanos) {
        if (frameWidth <= 0 || frameHeight <= 0) {
            throw new IllegalArgumentException("a frame needs a positive size, got " + frameWidth + "x" + frameHeight);
        }
        List<ZoneEvent> events = new ArrayList<>();
        for (int id : removedTrackIds) {
            Places places = tracks.remove(id);
            if (places == null) {
                continue;
            }
            for (int z = 0; z < zones.size(); z++) {
                if (places.inside[z]) {
                    inside[z]--;
                    events.add(new ZoneEvent(ZoneEvent.Type.LEAVE, zones.get(z).name(), id, places.label, null));
                }
            }
        }
        for (TrackedBox track : tracked) {
            Box box = track.box();
            double x = anchor.x(box) / frameWidth;
            double y = anchor.y(box) / frameHeight;
            Places places = tracks.computeIfAbsent(track.trackId(), id -> new Places(zones.size(), lines.size()));
            places.label = box.label();
            judgeZones(track.trackId(), places, x, y, timeNanos, events);
            judgeLines(track.trackId(), places, x, y, events);
        }
        return events;
    }

    /**
     * @return for each line in definition order, its crossings so far; never {@literal null}; a snapshot
     */
    public Map<String, LineCount> lineCounts() {
        Map<String, LineCount> counts = new LinkedHashMap<>();
        for (int l = 0; l < lines.size(); l++) {
            counts.put(lines.get(l).name(), new LineCount(crossedIn[l], crossedOut[l]));
        }
        return Collections.unmodifiableMap(counts);
    }

    /**
     * @return for each zone in definition order, how many tracks are inside now (entered, not yet
     *         left or removed); never {@literal null}; a snapshot
     */
    public Map<String, Integer> insideCounts() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (int z = 0; z < zones.size(); z++) {
            counts.put(zones.get(z).name(), inside[z]);
        }
        return Collections.unmodifiableMap(counts);
    }

    private void judgeZones(int id, Places places, double x, double y, long timeNanos, List<ZoneEvent> events) {
        for (int z = 0; z < zones.size(); z++) {
            Zone zone = zones.get(z);
            boolean now = zone.contains(x, y);
            if (now && !places.inside[z]) {
                places.inside[z] = true;
                places.enteredNanos[z] = timeNanos;
                places.loitered[z] = false;
                inside[z]++;
                events.add(new ZoneEvent(ZoneEvent.Type.ENTER, zone.name(), id, places.label, null));
            } else if (!now && places.inside[z]) {
                places.inside[z] = false;
                inside[z]--;
                events.add(new ZoneEvent(ZoneEvent.Type.LEAVE, zone.name(), id, places.label, null));
            }
            if (now && zone.dwellSeconds() > 0 && !places.loitered[z]
                    && timeNanos - places.enteredNanos[z] >= zone.dwellSeconds() * 1e9) {
                places.loitered[z] = true;
                events.add(new ZoneEvent(ZoneEvent.Type.LOITER, zone.name(), id, places.label, null));
            }
        }
    }

    private void judgeLines(int id, Places places, double x, double y, List<ZoneEvent> events) {
        for (int l = 0; l < lines.size(); l++) {
            CountLine line = lines.get(l);
            double s = line.side(x, y);
            if (s == 0) {
                continue; // exactly on the line: on neither side, the frame is skipped for this line
            }
            int side = s > 0 ? 1 : -1;
            if (places.side[l] == 0 || side == places.side[l]) {
                places.side[l] = side;
                places.pending[l] = 0;
                places.lastX[l] = x;
                places.lastY[l] = y;
                continue;
            }
            if (places.pending[l] == 0) { // first frame on the new side: where did the path meet the line?
                places.pendingWithin[l] = line.crossesWithin(places.lastX[l], places.lastY[l], x, y);
            }
            places.pending[l]++;
            if (places.pending[l] >= line.minFrames()) {
                if (places.pendingWithin[l]) {
                    ZoneEvent.Direction direction = side > 0 ? ZoneEvent.Direction.IN : ZoneEvent.Direction.OUT;
                    if (direction == ZoneEvent.Direction.IN) {
                        crossedIn[l]++;
                    } else {
                        crossedOut[l]++;
                    }
                    events.add(new ZoneEvent(ZoneEvent.Type.CROSS, line.name(), id, places.label, direction));
                }
                places.side[l] = side;
                places.pending[l] = 0;
                places.lastX[l] = x;
                places.lastY[l] = y;
            }
        }
    }

    /** What the judge remembers of one track. */
    private static final class Places {
        String label;
        final boolean[] inside;
        final long[] enteredNanos;
        final boolean[] loitered;
        /** per line: the confirmed side (-1 left, 1 right, 0 not yet seen) */
        final int[] side;
        /** per line: frames in a row seen on the other side */
        final int[] pending;
        final boolean[] pendingWithin;
        /** per line: the last anchor seen on the confirmed side */
        final double[] lastX;
        final double[] lastY;

        Places(int zoneCount, int lineCount) {
            inside = new boolean[zoneCount];
            enteredNanos = new long[zoneCount];
            loitered = new boolean[zoneCount];
            side = new int[lineCount];
            pending = new int[lineCount];
            pendingWithin = new boolean[lineCount];
            lastX = new double[lineCount];
            lastY = new double[lineCount];
        }
    }
}
