package io.streaminfer.pipeline.track;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Synthetic detection sequences with their ground truth, the test data of the tracker's tests in
 * one place. Objects move at constant velocity; a seeded {@link Random} adds position and size
 * noise, missed detections, clutter and dropped frames, so every run sees the same scene.
 */
final class TrackScenes {

    /** The nominal frame period the scenes are laid out on. */
    static final long FRAME_NANOS = 33_333_333L;
    /** Scenes start at this time, so that 0 is not a special value. */
    static final long START_NANOS = 5_000_000_000L;
    static final int WIDTH = 1280;
    static final int HEIGHT = 720;

    private TrackScenes() {
    }

    /**
     * One object of the ground truth: a {@code w × h} box whose top-left corner starts at
     * {@code (x0, y0)} and moves {@code (vx, vy)} pixels per nominal frame.
     */
    record Mover(int id, String label, double x0, double y0, double vx, double vy, double w, double h) {
        double x(int frame) {
            return x0 + vx * frame;
        }

        double y(int frame) {
            return y0 + vy * frame;
        }
    }

    /** A frame range {@code [from, to)} in which one mover is not detected (occluded). */
    record Hidden(int moverId, int from, int to) {
    }

    /** A true box: who is where. */
    record Truth(int id, double x, double y, double w, double h) {
    }

    /**
     * One frame that reached the tracker.
     *
     * @param index      its index in nominal frames (dropped frames leave gaps)
     * @param truth      every mover present, detected or not
     * @param detections what the detector reported
     * @param sources    index-aligned with detections: the mover's id, or 0 for clutter
     */
    record Frame(int index, long timeNanos, List<Truth> truth, List<Box> detections, int[] sources) {
    }

    /** Starts a scene with no noise, no misses, no clutter and no drops. */
    static Builder scene(long seed) {
        return new Builder(seed);
    }

    static final class Builder {
        private final Random random;
        private final List<Mover> movers = new ArrayList<>();
        private final List<Hidden> hidden = new ArrayList<>();
        private int frames = 100;
        private double positionNoise;
        private double sizeNoise;
        private double missProbability;
        private double lowScoreProbability;
        private double clutterPerFrame;
        private int minGap = 1;
        private int maxGap = 1;

        private Builder(long seed) {
            random = new Random(seed);
        }

        Builder mover(Mover mover) {
            movers.add(mover);
            return this;
        }

        /** Adds {@code count} movers of label {@code person} at random places and speeds that stay in the frame. */
        Builder randomMovers(int count, double maxSpeed) {
            for (int i = 0; i < count; i++) {
                double w = 30 + random.nextDouble() * 30;
                double h = w * (1.8 + random.nextDouble() * 0.6);
                double vx = (random.nextDouble() * 2 - 1) * maxSpeed;
                double vy = (random.nextDouble() * 2 - 1) * maxSpeed / 2;
                // start so that the whole run stays inside the frame
                double endDx = vx * frames;
                double endDy = vy * frames;
                double x0 = Math.max(0, -endDx) + random.nextDouble() * Math.max(1, WIDTH - w - Math.abs(endDx));
                double y0 = Math.max(0, -endDy) + random.nextDouble() * Math.max(1, HEIGHT - h - Math.abs(endDy));
                movers.add(new Mover(movers.size() + 1, "person", x0, y0, vx, vy, w, h));
            }
            return this;
        }

        Builder hidden(int moverId, int from, int to) {
            hidden.add(new Hidden(moverId, from, to));
            return this;
        }

        Builder frames(int count) {
            frames = count;
            return this;
        }

        /** Gaussian noise: {@code positionPixels} on the corner, {@code sizeFraction} of the size on w and h. */
        Builder noise(double positionPixels, double sizeFraction) {
            positionNoise = positionPixels;
            sizeNoise = sizeFraction;
            return this;
        }

        Builder misses(double probability) {
            missProbability = probability;
            return this;
        }

        /** This share of the detections score 0.15..0.45 (partly hidden objects), the rest 0.6..0.95. */
        Builder lowScores(double probability) {
            lowScoreProbability = probability;
            return this;
        }

        /** On average this many false boxes per frame, scores 0.2..0.7, each in one frame only. */
        Builder clutter(double perFrame) {
            clutterPerFrame = perFrame;
            return this;
        }

        /** The tracker sees every {@code min..max}-th frame (random), as when backpressure drops frames. */
        Builder gaps(int min, int max) {
            minGap = min;
            maxGap = max;
            return this;
        }

        List<Frame> build() {
            List<Frame> result = new ArrayList<>();
            for (int f = 0; f < frames; f += minGap + random.nextInt(maxGap - minGap + 1)) {
                List<Truth> truth = new ArrayList<>();
                List<Box> detections = new ArrayList<>();
                List<Integer> sources = new ArrayList<>();
                for (Mover m : movers) {
                    truth.add(new Truth(m.id(), m.x(f), m.y(f), m.w(), m.h()));
                    if (isHidden(m.id(), f) || random.nextDouble() < missProbability) {
                        continue;
                    }
                    double w = m.w() * (1 + random.nextGaussian() * sizeNoise);
                    double h = m.h() * (1 + random.nextGaussian() * sizeNoise);
                    double x = m.x(f) + random.nextGaussian() * positionNoise;
                    double y = m.y(f) + random.nextGaussian() * positionNoise;
                    double score = random.nextDouble() < lowScoreProbability
                            ? 0.15 + random.nextDouble() * 0.3 : 0.6 + random.nextDouble() * 0.35;
                    detections.add(new Box((float) x, (float) y, (float) w, (float) h, m.label(), (float) score));
                    sources.add(m.id());
                }
                double clutter = clutterPerFrame;
                while (random.nextDouble() < clutter) {
                    clutter -= 1;
                    double w = 30 + random.nextDouble() * 40;
                    detections.add(new Box((float) (random.nextDouble() * (WIDTH - w)),
                            (float) (random.nextDouble() * (HEIGHT - 2 * w)), (float) w, (float) (2 * w), "person",
                            (float) (0.2 + random.nextDouble() * 0.5)));
                    sources.add(0);
                }
                result.add(new Frame(f, START_NANOS + f * FRAME_NANOS, truth, detections,
                        sources.stream().mapToInt(Integer::intValue).toArray()));
            }
            return result;
        }

        private boolean isHidden(int moverId, int frame) {
            for (Hidden h : hidden) {
                if (h.moverId() == moverId && frame >= h.from() && frame < h.to()) {
                    return true;
                }
            }
            return false;
        }
    }

    /** What a tracker made of a scene: per frame, the id of each detection. */
    record Run(List<Frame> frames, List<int[]> ids) {

        /** @return the ids given to mover {@code moverId}'s detections, in frame order (0 included) */
        List<Integer> idsOf(int moverId) {
            List<Integer> result = new ArrayList<>();
            for (int f = 0; f < frames.size(); f++) {
                int[] sources = frames.get(f).sources();
                for (int d = 0; d < sources.length; d++) {
                    if (sources[d] == moverId) {
                        result.add(ids.get(f)[d]);
                    }
                }
            }
            return result;
        }

        /** @return how often mover {@code moverId}'s id changed from one confirmed id to another */
        int switchesOf(int moverId) {
            int switches = 0;
            int last = 0;
            for (int id : idsOf(moverId)) {
                if (id != 0) {
                    if (last != 0 && id != last) {
                        switches++;
                    }
                    last = id;
                }
            }
            return switches;
        }

        /** @return the distinct confirmed ids given to mover {@code moverId}, in order of appearance */
        List<Integer> distinctIdsOf(int moverId) {
            return idsOf(moverId).stream().filter(id -> id != 0).distinct().toList();
        }
    }

    /** Runs a fresh tracker over the scene. */
    static Run track(List<Frame> frames, TrackerSettings settings) {
        ByteTracker tracker = new ByteTracker(settings);
        List<int[]> ids = new ArrayList<>();
        for (Frame frame : frames) {
            ids.add(tracker.update(frame.detections(), frame.timeNanos()));
        }
        return new Run(frames, ids);
    }
}
