package io.streaminfer.pipeline.track;

import io.streaminfer.pipeline.track.ZoneEvent.Direction;
import io.streaminfer.pipeline.track.ZoneEvent.Type;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ZoneJudgeTest {

    private static final int SIZE = 1000; // a 1000x1000 frame: pixels are normalised coordinates x 1000
    private static final long SECOND = 1_000_000_000L;
    private static final int[] NONE_REMOVED = new int[0];

    private static final Zone SQUARE = new Zone("square",
            List.of(new Point(0.2, 0.2), new Point(0.6, 0.2), new Point(0.6, 0.6), new Point(0.2, 0.6)));
    /** A U open at the top: the notch x 0.4..0.6, y 0.2..0.6 is outside. */
    private static final Zone U = new Zone("u", List.of(
            new Point(0.2, 0.2), new Point(0.4, 0.2), new Point(0.4, 0.6), new Point(0.6, 0.6),
            new Point(0.6, 0.2), new Point(0.8, 0.2), new Point(0.8, 0.8), new Point(0.2, 0.8)));
    /** Horizontal, drawn left to right: its left side is the upper half of the frame. */
    private static final CountLine DOOR = new CountLine("door", new Point(0.1, 0.5), new Point(0.9, 0.5));

    /** A 20x40 person box whose bottom centre is at normalised {@code (x, y)}. */
    private static TrackedBox at(int id, double x, double y) {
        return new TrackedBox(id, new Box((float) (x * SIZE - 10), (float) (y * SIZE - 40), 20, 40, "person", 0.9f));
    }

    /** Feeds one track along a path, one frame a second apart from {@code t = 1 s}, and collects the events. */
    private static List<ZoneEvent> walk(ZoneJudge judge, int id, double[][] path) {
        List<ZoneEvent> events = new ArrayList<>();
        for (int i = 0; i < path.length; i++) {
            events.addAll(judge.judge(List.of(at(id, path[i][0], path[i][1])), NONE_REMOVED, SIZE, SIZE, (i + 1) * SECOND));
        }
        return events;
    }

    private static ZoneEvent event(Type type, String place, int id) {
        return new ZoneEvent(type, place, id, "person", null);
    }

    private static ZoneEvent cross(String line, int id, Direction direction) {
        return new ZoneEvent(Type.CROSS, line, id, "person", direction);
    }

    private static ZoneJudge zones(Zone... zones) {
        return new ZoneJudge(List.of(zones), List.of(), Anchor.BOTTOM_CENTRE);
    }

    private static ZoneJudge lines(CountLine... lines) {
        return new ZoneJudge(List.of(), List.of(lines), Anchor.BOTTOM_CENTRE);
    }

    @Nested
    @DisplayName("zones")
    class Zones {

        @Test
        @DisplayName("enter when the anchor comes inside, leave when it goes out; inside counts follow")
        void enterLeave() {
            ZoneJudge judge = zones(SQUARE);
            List<List<ZoneEvent>> perFrame = new ArrayList<>();
            List<Integer> inside = new ArrayList<>();
            double[] xs = {0.1, 0.3, 0.4, 0.7};
            for (int i = 0; i < xs.length; i++) {
                perFrame.add(judge.judge(List.of(at(7, xs[i], 0.4)), NONE_REMOVED, SIZE, SIZE, i * SECOND));
                inside.add(judge.insideCounts().get("square"));
            }

            assertThat(perFrame).containsExactly(List.of(), List.of(event(Type.ENTER, "square", 7)), List.of(),
                    List.of(event(Type.LEAVE, "square", 7)));
            assertThat(inside).containsExactly(0, 1, 1, 0);
        }

        @Test
        @DisplayName("a track first seen inside enters")
        void firstSeenInside() {
            assertThat(walk(zones(SQUARE), 3, new double[][] {{0.4, 0.4}})).containsExactly(event(Type.ENTER, "square", 3));
        }

        @Test
        @DisplayName("loiter once per visit after dwell_s seconds inside, and again on the next visit")
        void loiter() {
            ZoneJudge judge = zones(new Zone("square", SQUARE.points(), 2.0));
            // one frame a second: enters at 2 s, loiters at 4 s, leaves at 6 s, enters at 7 s, loiters at 9 s
            List<ZoneEvent> events = walk(judge, 1, new double[][] {
                {0.1, 0.4}, {0.3, 0.4}, {0.3, 0.4}, {0.3, 0.4}, {0.3, 0.4}, {0.7, 0.4}, {0.3, 0.4}, {0.3, 0.4},
                {0.3, 0.4}, {0.3, 0.4}});

            assertThat(events).containsExactly(event(Type.ENTER, "square", 1), event(Type.LOITER, "square", 1),
                    event(Type.LEAVE, "square", 1), event(Type.ENTER, "square", 1), event(Type.LOITER, "square", 1));
        }

        @Test
        @DisplayName("loiter waits the full dwell_s: 1.9 s inside is not enough for 2 s")
        void loiterNotEarly() {
            ZoneJudge judge = zones(new Zone("square", SQUARE.points(), 2.0));
            judge.judge(List.of(at(1, 0.3, 0.4)), NONE_REMOVED, SIZE, SIZE, 10 * SECOND);
            List<ZoneEvent> early = judge.judge(List.of(at(1, 0.3, 0.4)), NONE_REMOVED, SIZE, SIZE, 10 * SECOND + 1_900_000_000L);
            List<ZoneEvent> due = judge.judge(List.of(at(1, 0.3, 0.4)), NONE_REMOVED, SIZE, SIZE, 12 * SECOND);

            assertThat(early).isEmpty();
            assertThat(due).containsExactly(event(Type.LOITER, "square", 1));
        }

        @Test
        @DisplayName("dwell_s 0 never reports loitering")
        void noDwell() {
            List<ZoneEvent> events = walk(zones(SQUARE), 1, new double[][] {{0.3, 0.4}, {0.3, 0.4}, {0.3, 0.4}, {0.3, 0.4}});

            assertThat(events).containsExactly(event(Type.ENTER, "square", 1));
        }

        @Test
        @DisplayName("a concave U: the notch is outside, the arms and the base inside")
        void concave() {
            assertThat(U.contains(0.5, 0.4)).as("notch").isFalse();
            assertThat(U.contains(0.3, 0.4)).as("left arm").isTrue();
            assertThat(U.contains(0.7, 0.4)).as("right arm").isTrue();
            assertThat(U.contains(0.5, 0.7)).as("base").isTrue();
            assertThat(U.contains(0.5, 0.1)).as("above").isFalse();
            assertThat(U.contains(0.9, 0.4)).as("right of it").isFalse();
        }

        @Test
        @DisplayName("a track crossing the U's arms enters and leaves twice; one walking down the notch enters only at the base")
        void concaveWalks() {
            List<ZoneEvent> across = walk(zones(U), 1, new double[][] {
                {0.1, 0.4}, {0.3, 0.4}, {0.5, 0.4}, {0.7, 0.4}, {0.9, 0.4}});
            List<ZoneEvent> down = walk(zones(U), 2, new double[][] {{0.5, 0.1}, {0.5, 0.3}, {0.5, 0.5}, {0.5, 0.7}});

            assertThat(across).containsExactly(event(Type.ENTER, "u", 1), event(Type.LEAVE, "u", 1),
                    event(Type.ENTER, "u", 1), event(Type.LEAVE, "u", 1));
            assertThat(down).containsExactly(event(Type.ENTER, "u", 2));
        }

        @Test
        @DisplayName("a point exactly on an edge or a vertex is inside (the boundary belongs to the zone)")
        void edgeRule() {
            assertThat(SQUARE.contains(0.2, 0.4)).as("left edge").isTrue();
            assertThat(SQUARE.contains(0.4, 0.6)).as("bottom edge").isTrue();
            assertThat(SQUARE.contains(0.6, 0.6)).as("vertex").isTrue();
            assertThat(SQUARE.contains(0.2 - 1e-6, 0.4)).as("just outside").isFalse();
            assertThat(U.contains(0.5, 0.6)).as("the U's inner bottom edge").isTrue();
            assertThat(U.contains(0.4, 0.4)).as("the U's inner side edge").isTrue();
            assertThat(walk(zones(SQUARE), 1, new double[][] {{0.1, 0.4}, {0.2, 0.4}}))
                    .as("an anchor landing on the edge, through pixels").containsExactly(event(Type.ENTER, "square", 1));
        }

        @Test
        @DisplayName("a track removed by the tracker while inside leaves; the count drops; removal outside says nothing")
        void removedInside() {
            ZoneJudge judge = zones(SQUARE);
            judge.judge(List.of(at(1, 0.3, 0.4), at(2, 0.9, 0.9)), NONE_REMOVED, SIZE, SIZE, SECOND);
            assertThat(judge.insideCounts()).containsEntry("square", 1);

            List<ZoneEvent> events = judge.judge(List.of(), new int[] {1, 2, 99}, SIZE, SIZE, 2 * SECOND);

            assertThat(events).containsExactly(event(Type.LEAVE, "square", 1));
            assertThat(judge.insideCounts()).containsEntry("square", 0);
        }

        @Test
        @DisplayName("a track missing from a frame (lost, not removed) neither leaves nor re-enters")
        void lostIsNotLeave() {
            ZoneJudge judge = zones(SQUARE);
            List<ZoneEvent> events = new ArrayList<>();
            events.addAll(judge.judge(List.of(at(1, 0.3, 0.4)), NONE_REMOVED, SIZE, SIZE, SECOND));
            events.addAll(judge.judge(List.of(), NONE_REMOVED, SIZE, SIZE, 2 * SECOND));
            events.addAll(judge.judge(List.of(at(1, 0.35, 0.4)), NONE_REMOVED, SIZE, SIZE, 3 * SECOND));

            assertThat(events).containsExactly(event(Type.ENTER, "square", 1));
            assertThat(judge.insideCounts()).containsEntry("square", 1);
        }

        @Test
        @DisplayName("inside counts several tracks in several zones")
        void insideCounts() {
            ZoneJudge judge = zones(SQUARE, U);
            judge.judge(List.of(at(1, 0.3, 0.4), at(2, 0.25, 0.5), at(3, 0.7, 0.7), at(4, 0.95, 0.95)), NONE_REMOVED,
                    SIZE, SIZE, SECOND);

            // tracks 1 and 2 are in both (the U's left arm overlaps the square), 3 only in the U
            assertThat(judge.insideCounts()).containsExactly(Map.entry("square", 2), Map.entry("u", 3));
        }

        @Test
        @DisplayName("the anchor decides: a box with its bottom in the zone and its top above it")
        void anchors() {
            // bottom centre at (0.4, 0.3), top at y 0.04: only the bottom is in the square
            TrackedBox tall = new TrackedBox(1, new Box(390, 40, 20, 260, "person", 0.9f));

            assertThat(new ZoneJudge(List.of(SQUARE), List.of(), Anchor.BOTTOM_CENTRE)
                    .judge(List.of(tall), NONE_REMOVED, SIZE, SIZE, SECOND)).hasSize(1);
            assertThat(new ZoneJudge(List.of(SQUARE), List.of(), Anchor.TOP_CENTRE)
                    .judge(List.of(tall), NONE_REMOVED, SIZE, SIZE, SECOND)).isEmpty();
            assertThat(new ZoneJudge(List.of(SQUARE), List.of(), Anchor.CENTRE)
                    .judge(List.of(tall), NONE_REMOVED, SIZE, SIZE, SECOND)).isEmpty(); // centre y 0.17
        }

        @Test
        @DisplayName("coordinates are normalised by the frame's size")
        void normalised() {
            ZoneJudge judge = zones(SQUARE);
            // bottom centre at pixel (192, 144) of a 640x480 frame = (0.3, 0.3)
            TrackedBox box = new TrackedBox(1, new Box(182, 104, 20, 40, "person", 0.9f));

            assertThat(judge.judge(List.of(box), NONE_REMOVED, 640, 480, SECOND))
                    .containsExactly(event(Type.ENTER, "square", 1));
        }
    }

    @Nested
    @DisplayName("lines")
    class Lines {

        @Test
        @DisplayName("walking down across a line drawn left to right is in (from its left to its right side), after min_frames 2")
        void crossIn() {
            ZoneJudge judge = lines(DOOR);
            List<List<ZoneEvent>> perFrame = new ArrayList<>();
            double[] ys = {0.3, 0.4, 0.6, 0.7, 0.8};
            for (int i = 0; i < ys.length; i++) {
                perFrame.add(judge.judge(List.of(at(5, 0.5, ys[i])), NONE_REMOVED, SIZE, SIZE, i * SECOND));
            }

            assertThat(perFrame).containsExactly(List.of(), List.of(), List.of(),
                    List.of(cross("door", 5, Direction.IN)), List.of());
            assertThat(judge.lineCounts()).containsEntry("door", new LineCount(1, 0));
        }

        @Test
        @DisplayName("walking up across it is out")
        void crossOut() {
            ZoneJudge judge = lines(DOOR);

            assertThat(walk(judge, 5, new double[][] {{0.5, 0.8}, {0.5, 0.6}, {0.5, 0.4}, {0.5, 0.3}}))
                    .containsExactly(cross("door", 5, Direction.OUT));
            assertThat(judge.lineCounts()).containsEntry("door", new LineCount(0, 1));
        }

        @Test
        @DisplayName("the direction follows the line's drawing: the same walk down a line drawn right to left is out")
        void reversedLine() {
            CountLine reversed = new CountLine("door", new Point(0.9, 0.5), new Point(0.1, 0.5));

            assertThat(walk(lines(reversed), 5, new double[][] {{0.5, 0.3}, {0.5, 0.6}, {0.5, 0.7}}))
                    .containsExactly(cross("door", 5, Direction.OUT));
        }

        @Test
        @DisplayName("on a line drawn top to bottom, walking from the screen's right to its left is in")
        void verticalLine() {
            CountLine down = new CountLine("gate", new Point(0.5, 0.1), new Point(0.5, 0.9));

            assertThat(walk(lines(down), 5, new double[][] {{0.7, 0.5}, {0.4, 0.5}, {0.3, 0.5}}))
                    .containsExactly(cross("gate", 5, Direction.IN));
        }

        @Test
        @DisplayName("jitter across the line, alternating sides frame by frame, is not a crossing; staying is")
        void jitter() {
            ZoneJudge judge = lines(DOOR);
            double[][] path = new double[24][];
            for (int i = 0; i < 22; i++) {
                path[i] = new double[] {0.5, i % 2 == 0 ? 0.49 : 0.51};
            }
            path[22] = new double[] {0.5, 0.51};
            path[23] = new double[] {0.5, 0.52};
            List<ZoneEvent> events = walk(judge, 5, path);

            assertThat(events).containsExactly(cross("door", 5, Direction.IN));
        }

        @Test
        @DisplayName("with min_frames 1 the first frame on the new side counts")
        void minFramesOne() {
            CountLine quick = new CountLine("door", new Point(0.1, 0.5), new Point(0.9, 0.5), 1);
            ZoneJudge judge = lines(quick);
            List<ZoneEvent> first = judge.judge(List.of(at(1, 0.5, 0.4)), NONE_REMOVED, SIZE, SIZE, SECOND);
            List<ZoneEvent> second = judge.judge(List.of(at(1, 0.5, 0.6)), NONE_REMOVED, SIZE, SIZE, 2 * SECOND);

            assertThat(first).isEmpty();
            assertThat(second).containsExactly(cross("door", 1, Direction.IN));
        }

        @Test
        @DisplayName("a side change beside the segment is no crossing, and coming back through it counts")
        void outsideSegment() {
            CountLine narrow = new CountLine("door", new Point(0.4, 0.5), new Point(0.6, 0.5));
            ZoneJudge judge = lines(narrow);
            List<ZoneEvent> beside = walk(judge, 1, new double[][] {{0.8, 0.3}, {0.8, 0.7}, {0.8, 0.8}});
            List<ZoneEvent> back = new ArrayList<>();
            double[][] through = {{0.5, 0.7}, {0.5, 0.4}, {0.5, 0.3}};
            for (int i = 0; i < through.length; i++) {
                back.addAll(judge.judge(List.of(at(1, through[i][0], through[i][1])), NONE_REMOVED, SIZE, SIZE,
                        (10 + i) * SECOND));
            }

            assertThat(beside).isEmpty();
            assertThat(back).containsExactly(cross("door", 1, Direction.OUT));
        }

        @Test
        @DisplayName("a crossing point on the segment's end counts (the segment is closed)")
        void throughEndPoint() {
            CountLine narrow = new CountLine("door", new Point(0.4, 0.5), new Point(0.6, 0.5));

            assertThat(walk(lines(narrow), 1, new double[][] {{0.6, 0.3}, {0.6, 0.7}, {0.6, 0.8}}))
                    .containsExactly(cross("door", 1, Direction.IN));
        }

        @Test
        @DisplayName("frames exactly on the line are skipped: the side is taken from the frames around them")
        void onTheLine() {
            assertThat(walk(lines(DOOR), 1, new double[][] {{0.5, 0.4}, {0.5, 0.5}, {0.5, 0.5}, {0.5, 0.6}, {0.5, 0.7}}))
                    .containsExactly(cross("door", 1, Direction.IN));
        }

        @Test
        @DisplayName("counts add up per line and direction over several tracks")
        void counts() {
            CountLine other = new CountLine("other", new Point(0.5, 0.0), new Point(0.5, 1.0));
            ZoneJudge judge = new ZoneJudge(List.of(), List.of(DOOR, other), Anchor.BOTTOM_CENTRE);
            walk(judge, 1, new double[][] {{0.3, 0.3}, {0.3, 0.6}, {0.3, 0.7}}); // down: door in
            walk(judge, 2, new double[][] {{0.2, 0.3}, {0.2, 0.6}, {0.2, 0.7}}); // down: door in
            walk(judge, 3, new double[][] {{0.7, 0.8}, {0.7, 0.4}, {0.7, 0.3}}); // up: door out

            assertThat(judge.lineCounts()).containsExactly(
                    Map.entry("door", new LineCount(2, 1)), Map.entry("other", new LineCount(0, 0)));
            // "other" is drawn downwards: from the screen's right to its left is in
            assertThat(walk(judge, 4, new double[][] {{0.7, 0.2}, {0.3, 0.2}, {0.2, 0.2}}))
                    .containsExactly(cross("other", 4, Direction.IN));
            assertThat(judge.lineCounts()).containsExactly(
                    Map.entry("door", new LineCount(2, 1)), Map.entry("other", new LineCount(1, 0)));
        }

        @Test
        @DisplayName("events carry the track's label; zone events come before crossings, in definition order")
        void eventShape() {
            // the zone starts at y 0.65: the car enters it in the frame its crossing is confirmed
            ZoneJudge judge = new ZoneJudge(List.of(new Zone("low", List.of(
                    new Point(0, 0.65), new Point(1, 0.65), new Point(1, 1), new Point(0, 1)))), List.of(DOOR),
                    Anchor.BOTTOM_CENTRE);
            judge.judge(List.of(new TrackedBox(9, new Box(490, 360, 20, 40, "car", 0.9f))), NONE_REMOVED, SIZE, SIZE, SECOND);
            judge.judge(List.of(new TrackedBox(9, new Box(490, 560, 20, 40, "car", 0.9f))), NONE_REMOVED, SIZE, SIZE, 2 * SECOND);
            List<ZoneEvent> events = judge.judge(List.of(new TrackedBox(9, new Box(490, 660, 20, 40, "car", 0.9f))),
                    NONE_REMOVED, SIZE, SIZE, 3 * SECOND);

            assertThat(events).containsExactly(new ZoneEvent(Type.ENTER, "low", 9, "car", null),
                    new ZoneEvent(Type.CROSS, "door", 9, "car", Direction.IN));
            assertThat(events.get(1).type().atLine()).isTrue();
            assertThat(events.get(1).direction().wireName()).isEqualTo("in");
        }
    }
}
