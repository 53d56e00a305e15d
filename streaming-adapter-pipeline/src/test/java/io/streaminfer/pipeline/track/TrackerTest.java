package io.streaminfer.pipeline.track;

import io.streaminfer.pipeline.track.TrackScenes.Mover;
import io.streaminfer.pipeline.track.TrackScenes.Run;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static io.streaminfer.pipeline.track.TrackScenes.FRAME_NANOS;
import static io.streaminfer.pipeline.track.TrackScenes.START_NANOS;
import static org.assertj.core.api.Assertions.assertThat;

class TrackerTest {

    private static final TrackerSettings DEFAULTS = TrackerSettings.ofDefaults();

    private static long frameTime(int frame) {
        return START_NANOS + frame * FRAME_NANOS;
    }

    private static Box person(double x, double y, float score) {
        return new Box((float) x, (float) y, 40, 80, "person", score);
    }

    @Nested
    @DisplayName("identity")
    class Identity {

        @Test
        @DisplayName("one noisy object keeps one id over 100 frames, from its third frame on")
        void oneNoisyObject() {
            Run run = TrackScenes.track(TrackScenes.scene(11)
                    .mover(new Mover(1, "person", 100, 200, 5, 1.5, 50, 120))
                    .noise(2.5, 0.03).frames(100).build(), DEFAULTS);

            List<Integer> ids = run.idsOf(1);
            assertThat(ids).hasSize(100);
            assertThat(ids.subList(0, 2)).containsOnly(ByteTracker.NO_TRACK);
            assertThat(ids.subList(2, 100)).containsOnly(ids.get(2)).doesNotContain(ByteTracker.NO_TRACK);
        }

        @Test
        @DisplayName("two objects whose paths cross keep their ids (at most one switch)")
        void crossingPaths() {
            Run run = TrackScenes.track(TrackScenes.scene(12)
                    .mover(new Mover(1, "person", 100, 300, 8, 0, 60, 130))
                    .mover(new Mover(2, "person", 1100, 315, -8, 0, 60, 130))
                    .noise(2, 0.02).frames(125).build(), DEFAULTS);

            assertThat(run.switchesOf(1) + run.switchesOf(2)).isLessThanOrEqualTo(1);
            assertThat(run.distinctIdsOf(1)).hasSizeLessThanOrEqualTo(2);
            assertThat(run.distinctIdsOf(2)).hasSizeLessThanOrEqualTo(2);
            assertThat(run.idsOf(1).get(124)).isNotEqualTo(run.idsOf(2).get(124)).isPositive();
        }

        @Test
        @DisplayName("an object missed for less than max_lost_s keeps its id")
        void shortMissKeepsId() {
            // 15 frames = 0.5 s hidden, the default max_lost_s is 1 s
            Run run = TrackScenes.track(TrackScenes.scene(13)
                    .mover(new Mover(1, "person", 100, 200, 4, 0, 50, 120))
                    .hidden(1, 40, 55).noise(1.5, 0.02).frames(100).build(), DEFAULTS);

            assertThat(run.distinctIdsOf(1)).hasSize(1);
            assertThat(run.idsOf(1)).hasSize(85).endsWith(run.distinctIdsOf(1).get(0));
        }

        @Test
        @DisplayName("an object missed for longer than max_lost_s comes back with a new, higher id; the old one is reported removed")
        void longMissGivesNewId() {
            List<TrackScenes.Frame> frames = TrackScenes.scene(14)
                    .mover(new Mover(1, "person", 100, 200, 4, 0, 50, 120))
                    .hidden(1, 40, 85).noise(1.5, 0.02).frames(130).build(); // 1.5 s hidden
            ByteTracker tracker = new ByteTracker(DEFAULTS);
            List<int[]> ids = new ArrayList<>();
            List<Integer> removed = new ArrayList<>();
            int activeWhileHidden = -1;
            for (TrackScenes.Frame frame : frames) {
                ids.add(tracker.update(frame.detections(), frame.timeNanos()));
                for (int id : tracker.removedIds()) {
                    removed.add(id);
                }
                if (frame.index() == 60) {
                    activeWhileHidden = tracker.activeTracks();
                }
            }
            Run run = new Run(frames, ids);

            List<Integer> distinct = run.distinctIdsOf(1);
            assertThat(distinct).hasSize(2);
            assertThat(distinct.get(1)).isGreaterThan(distinct.get(0));
            assertThat(removed).containsExactly(distinct.get(0));
            assertThat(activeWhileHidden).as("lost, not yet removed, 20 frames into the miss").isEqualTo(1);
            assertThat(tracker.activeTracks()).isEqualTo(1);
        }

        @Test
        @DisplayName("ids are never reused: a second object after the first one was removed gets the next id")
        void idsNeverReused() {
            ByteTracker tracker = new ByteTracker(TrackerSettings.builder().minHits(1).build());
            int first = tracker.update(List.of(person(100, 100, 0.9f)), frameTime(0))[0];
            tracker.update(List.of(), frameTime(60)); // 2 s later: removed
            int second = tracker.update(List.of(person(100, 100, 0.9f)), frameTime(61))[0];

            assertThat(first).isEqualTo(1);
            assertThat(second).isEqualTo(2);
        }
    }

    @Nested
    @DisplayName("time")
    class Time {

        @Test
        @DisplayName("frames with uneven gaps (random 1 to 5 frames dropped) keep every id")
        void unevenGaps() {
            Run run = TrackScenes.track(TrackScenes.scene(21)
                    .mover(new Mover(1, "person", 20, 100, 8, 0, 50, 100))
                    .mover(new Mover(2, "person", 1200, 300, -8, 1, 50, 100))
                    .mover(new Mover(3, "person", 600, 20, 0.5, 4, 60, 120))
                    .noise(1.5, 0.02).gaps(1, 5).frames(150).build(), DEFAULTS);

            for (int mover = 1; mover <= 3; mover++) {
                assertThat(run.distinctIdsOf(mover)).as("mover " + mover).hasSize(1);
            }
        }

        @Test
        @DisplayName("prediction follows the clock: a fast object seen every 4th frame moves 4 frames' worth between updates")
        void predictionUsesElapsedTime() {
            // 12 px a frame with a 40 px wide box: 48 px between updates, no overlap with its last box
            ByteTracker tracker = new ByteTracker(DEFAULTS);
            List<Integer> ids = new ArrayList<>();
            int frame = 0;
            for (int update = 0; update < 40; update++) {
                ids.add(tracker.update(List.of(person(50 + 12.0 * frame, 300, 0.9f)), frameTime(frame))[0]);
                frame += update < 10 ? 1 : 4;
            }

            assertThat(ids.subList(2, 40)).containsOnly(ids.get(2)).doesNotContain(ByteTracker.NO_TRACK);
        }
    }

    @Nested
    @DisplayName("scores")
    class Scores {

        @Test
        @DisplayName("a low-score detection (0.2) continues a tracked object")
        void lowScoreContinues() {
            ByteTracker tracker = new ByteTracker(DEFAULTS);
            int id = 0;
            for (int f = 0; f < 10; f++) {
                id = tracker.update(List.of(person(100 + 3 * f, 100, 0.9f)), frameTime(f))[0];
            }
            List<Integer> later = new ArrayList<>();
            for (int f = 10; f < 30; f++) {
                later.add(tracker.update(List.of(person(100 + 3 * f, 100, 0.2f)), frameTime(f))[0]);
            }

            assertThat(id).isPositive();
            assertThat(later).containsOnly(id);
        }

        @Test
        @DisplayName("low-score detections (0.2) never start a track")
        void lowScoreNeverStarts() {
            ByteTracker tracker = new ByteTracker(TrackerSettings.builder().minHits(1).build());
            List<Integer> ids = new ArrayList<>();
            for (int f = 0; f < 50; f++) {
                ids.add(tracker.update(List.of(person(100 + 3 * f, 100, 0.2f)), frameTime(f))[0]);
            }

            assertThat(ids).containsOnly(ByteTracker.NO_TRACK);
            assertThat(tracker.activeTracks()).isZero();
        }

        @Test
        @DisplayName("a low-score detection does not bring back a lost track (second association is for tracked ones only)")
        void lowScoreDoesNotReviveLost() {
            ByteTracker tracker = new ByteTracker(DEFAULTS);
            int id = 0;
            for (int f = 0; f < 10; f++) {
                id = tracker.update(List.of(person(100, 100, 0.9f)), frameTime(f))[0];
            }
            tracker.update(List.of(), frameTime(10)); // lost
            int low = tracker.update(List.of(person(100, 100, 0.2f)), frameTime(11))[0];
            int high = tracker.update(List.of(person(100, 100, 0.9f)), frameTime(12))[0];

            assertThat(low).isEqualTo(ByteTracker.NO_TRACK);
            assertThat(high).isEqualTo(id).isPositive();
        }

        @Test
        @DisplayName("detections below low_score are ignored, even on a tracked object")
        void belowLowIgnored() {
            ByteTracker tracker = new ByteTracker(DEFAULTS);
            for (int f = 0; f < 5; f++) {
                tracker.update(List.of(person(100, 100, 0.9f)), frameTime(f));
            }

            assertThat(tracker.update(List.of(person(100, 100, 0.05f)), frameTime(5))).containsExactly(0);
        }
    }

    @Nested
    @DisplayName("labels")
    class Labels {

        @Test
        @DisplayName("only the configured labels are tracked")
        void labelsFilter() {
            ByteTracker tracker = new ByteTracker(TrackerSettings.builder().labels(Set.of("person")).minHits(1).build());
            List<Integer> cars = new ArrayList<>();
            List<Integer> people = new ArrayList<>();
            for (int f = 0; f < 20; f++) {
                int[] ids = tracker.update(List.of(
                        new Box(500 + 5 * f, 400, 120, 60, "car", 0.9f),
                        person(100 + 2 * f, 100, 0.9f)), frameTime(f));
                cars.add(ids[0]);
                people.add(ids[1]);
            }

            assertThat(cars).containsOnly(ByteTracker.NO_TRACK);
            assertThat(people).containsOnly(1);
            assertThat(tracker.activeTracks()).isEqualTo(1);
        }

        @Test
        @DisplayName("a track only matches detections of its own label")
        void sameLabelOnly() {
            ByteTracker tracker = new ByteTracker(TrackerSettings.builder().minHits(1).build());
            int personId = tracker.update(List.of(person(100, 100, 0.9f)), frameTime(0))[0];
            int dogId = tracker.update(List.of(new Box(100, 100, 40, 80, "dog", 0.9f)), frameTime(1))[0];

            assertThat(personId).isEqualTo(1);
            assertThat(dogId).isEqualTo(2);
        }
    }

    @Nested
    @DisplayName("confirmation")
    class Confirmation {

        @Test
        @DisplayName("with min_hits 3 a detection gets its id on the third consecutive frame, none before")
        void minHitsThree() {
            ByteTracker tracker = new ByteTracker(DEFAULTS);
            List<Integer> ids = new ArrayList<>();
            for (int f = 0; f < 4; f++) {
                ids.add(tracker.update(List.of(person(100 + 2 * f, 100, 0.9f)), frameTime(f))[0]);
            }

            assertThat(ids).containsExactly(0, 0, 1, 1);
        }

        @Test
        @DisplayName("a miss before confirmation restarts the count")
        void missRestartsCount() {
            ByteTracker tracker = new ByteTracker(DEFAULTS);
            List<Integer> ids = new ArrayList<>();
            for (int f = 0; f < 7; f++) {
                List<Box> boxes = f == 2 ? List.of() : List.of(person(100, 100, 0.9f));
                int[] result = tracker.update(boxes, frameTime(f));
                ids.add(result.length == 0 ? -1 : result[0]);
            }

            assertThat(ids).containsExactly(0, 0, -1, 0, 0, 1, 1);
        }

        @Test
        @DisplayName("with min_hits 1 the first detection gets an id")
        void minHitsOne() {
            ByteTracker tracker = new ByteTracker(TrackerSettings.builder().minHits(1).build());

            assertThat(tracker.update(List.of(person(100, 100, 0.9f), person(400, 100, 0.7f)), frameTime(0)))
                    .containsExactly(1, 2);
        }

        @Test
        @DisplayName("an empty box is ignored")
        void emptyBoxIgnored() {
            ByteTracker tracker = new ByteTracker(TrackerSettings.builder().minHits(1).build());

            assertThat(tracker.update(List.of(new Box(10, 10, 0, 80, "person", 0.9f)), frameTime(0))).containsExactly(0);
            assertThat(tracker.activeTracks()).isZero();
        }
    }
}
