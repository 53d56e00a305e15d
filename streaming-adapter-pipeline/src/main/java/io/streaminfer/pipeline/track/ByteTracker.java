package io.streaminfer.pipeline.track;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Gives detections identities across frames with ByteTrack's association (Zhang et al., ECCV
 * 2022): every detection box takes part, the low-score ones only to continue tracks.
 *
 * <p><b>Lifecycle.</b> One instance per session. The session's pipeline calls
 * {@link #update} once per frame that reached it, in frame order, from one thread at a time
 * (never concurrently); the other methods read what the last update left.
 *
 * <p><b>One update</b>, at time {@code t}:
 * <ol>
 *   <li>Detections whose label is not tracked, or with an empty box, are ignored; the rest
 *       split into high ({@code score ≥ high_score}) and low ({@code low_score ≤ score < high_score})
 *       ones; lower scores are ignored.</li>
 *   <li>Tracks with no match for more than {@code max_lost_s} before {@code t} are removed; every
 *       other track's Kalman state is predicted forward to {@code t}.</li>
 *   <li>First association: high detections against confirmed tracks, matched or lost.</li>
 *   <li>Second association: low detections against the confirmed tracks matched on their
 *       previous update and still unmatched. A track still without a match becomes lost.</li>
 *   <li>Third association: the remaining high detections against tentative tracks; a tentative
 *       track that reaches {@code min_hits} consecutive matches is confirmed and gets its id, one
 *       left unmatched is dropped.</li>
 *   <li>Each high detection still unmatched starts a tentative track (confirmed at once when
 *       {@code min_hits} is 1).</li>
 * </ol>
 * Each association is an optimal one-to-one matching ({@link Assignment}, the Hungarian
 * algorithm) that maximises the summed IoU margin over {@code match_iou}, between a track's
 * predicted box and detections of the same label; ByteTrack's score fusion of the first
 * association is left out. Greedy matching by best IoU would be simpler, but in a crowd it lets
 * one early pair take the box two other tracks need; the optimal matching costs microseconds at
 * these sizes.
 *
 * <p><b>Time, not frame count.</b> Frames dropped by backpressure never reach the tracker, so
 * motion is predicted over the time elapsed since a track's last update, in units of a nominal
 * frame period of 1/30 s (the rate ByteTrack's noise weights were tuned at): a track predicted
 * over a 100 ms gap moves three frames' worth of velocity and gains three frames of process
 * noise. The clock is the caller's (frame arrival times, monotonic nanoseconds); a time that does
 * not advance predicts no motion.
 *
 * <p>Ids are positive, unique in the session, never reused, and given in order of confirmation;
 * a tentative track that dies never consumes one.
 */
public final class ByteTracker {

    /** The id {@link #update} returns for a detection without a confirmed track. */
    public static final int NO_TRACK = 0;

    private static final double NOMINAL_FRAME_NANOS = 1e9 / 30;
    // lets a pair at exactly match_iou still count as a match (weight > 0)
    private static final double AT_THRESHOLD = 1e-9;
    private static final int[] NONE = new int[0];

    private final TrackerSettings settings;
    private final long maxLostNanos;
    private final Assignment assignment = new Assignment();
    private List<Track> confirmed = new ArrayList<>();
    private List<Track> tentative = new ArrayList<>();
    private double[] weights = new double[64];
    private int lastId;
    private int[] removedIds = NONE;

    /**
     * @param settings how to associate; never {@literal null}
     */
    public ByteTracker(TrackerSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.maxLostNanos = Math.round(settings.maxLostSeconds() * 1e9);
    }

    /**
     * Associates one frame's detections with the tracks and advances every track to this frame.
     *
     * @param boxes     the frame's detections in pixels of the frame; never {@literal null}
     * @param timeNanos when the frame arrived, in nanoseconds of the session's monotonic clock
     * @return index-aligned with {@code boxes}: the id of the confirmed track each detection
     *         belongs to, or {@link #NO_TRACK}; never {@literal null}
     */
    public int[] update(List<Box> boxes, long timeNanos) {
        int[] ids = new int[boxes.size()];
        int[] high = new int[boxes.size()];
        int[] low = new int[boxes.size()];
        int highCount = 0;
        int lowCount = 0;
        for (int i = 0; i < boxes.size(); i++) {
            Box box = boxes.get(i);
            if (box.w() <= 0 || box.h() <= 0 || !settings.tracks(box.label())) {
                continue;
            }
            if (box.score() >= settings.highScore()) {
                high[highCount++] = i;
            } else if (box.score() >= settings.lowScore()) {
                low[lowCount++] = i;
            }
        }
        expireAndPredict(timeNanos);

        // first association: high detections against every confirmed track
        int[] firstMatch = associate(confirmed, boxes, high, highCount);
        boolean[] highTaken = new boolean[highCount];
        List<Track> stillTracked = new ArrayList<>();
        for (int t = 0; t < confirmed.size(); t++) {
            Track track = confirmed.get(t);
            if (firstMatch[t] >= 0) {
                highTaken[firstMatch[t]] = true;
                int box = high[firstMatch[t]];
                track.match(boxes.get(box), timeNanos);
                ids[box] = track.id();
            } else if (track.state() == Track.State.TRACKED) {
                stillTracked.add(track);
            }
        }
        // second association: low detections only continue tracks matched on their previous update
        int[] secondMatch = associate(stillTracked, boxes, low, lowCount);
        for (int t = 0; t < stillTracked.size(); t++) {
            Track track = stillTracked.get(t);
            if (secondMatch[t] >= 0) {
                int box = low[secondMatch[t]];
                track.match(boxes.get(box), timeNanos);
                ids[box] = track.id();
            } else {
                track.markLost();
            }
        }
        // third association: what is left of the high detections against tentative tracks
        int leftCount = 0;
        int[] left = new int[highCount];
        for (int d = 0; d < highCount; d++) {
            if (!highTaken[d]) {
                left[leftCount++] = high[d];
            }
        }
        int[] thirdMatch = associate(tentative, boxes, left, leftCount);
        boolean[] leftTaken = new boolean[leftCount];
        List<Track> nextTentative = new ArrayList<>();
        for (int t = 0; t < tentative.size(); t++) {
            Track track = tentative.get(t);
            if (thirdMatch[t] < 0) {
                continue; // a miss breaks the run of consecutive hits: the candidate is dropped
            }
            leftTaken[thirdMatch[t]] = true;
            int box = left[thirdMatch[t]];
            track.match(boxes.get(box), timeNanos);
            if (track.hits() >= settings.minHits()) {
                confirmInto(track, ids, box);
            } else {
                nextTentative.add(track);
            }
        }
        for (int d = 0; d < leftCount; d++) {
            if (!leftTaken[d]) {
                Track track = new Track(boxes.get(left[d]), timeNanos);
                if (settings.minHits() <= 1) {
                    confirmInto(track, ids, left[d]);
                } else {
                    nextTentative.add(track);
                }
            }
        }
        tentative = nextTentative;
        return ids;
    }

    /**
     * @return how many confirmed tracks the session holds, matched on the last update or lost
     *         but not yet removed
     */
    public int activeTracks() {
        return confirmed.size();
    }

    /**
     * @return the ids of the confirmed tracks that the last {@link #update} removed (no match for
     *         more than {@code max_lost_s}), in increasing order; empty when none; never
     *         {@literal null}; a fresh copy
     */
    public int[] removedIds() {
        return removedIds.clone();
    }

    private void confirmInto(Track track, int[] ids, int box) {
        track.confirm(++lastId);
        confirmed.add(track);
        ids[box] = track.id();
    }

    private void expireAndPredict(long timeNanos) {
        int[] removed = NONE;
        int removedCount = 0;
        List<Track> kept = new ArrayList<>(confirmed.size());
        for (Track track : confirmed) {
            if (timeNanos - track.lastMatchNanos() > maxLostNanos) {
                if (removedCount == removed.length) {
                    removed = Arrays.copyOf(removed, Math.max(4, removedCount * 2));
                }
                removed[removedCount++] = track.id();
            } else {
                track.predictTo(timeNanos, NOMINAL_FRAME_NANOS);
                kept.add(track);
            }
        }
        confirmed = kept;
        removedIds = removedCount == 0 ? NONE : Arrays.copyOf(removed, removedCount);
        Arrays.sort(removedIds);
        List<Track> keptTentative = new ArrayList<>(tentative.size());
        for (Track track : tentative) {
            if (timeNanos - track.lastMatchNanos() <= maxLostNanos) {
                track.predictTo(timeNanos, NOMINAL_FRAME_NANOS);
                keptTentative.add(track);
            }
        }
        tentative = keptTentative;
    }

    /**
     * @return for each track, the position in {@code detections} of its match, or -1
     */
    private int[] associate(List<Track> tracks, List<Box> boxes, int[] detections, int count) {
        int rows = tracks.size();
        if (weights.length < rows * count) {
            weights = new double[Math.max(rows * count, weights.length * 2)];
        }
        for (int t = 0; t < rows; t++) {
            Track track = tracks.get(t);
            for (int d = 0; d < count; d++) {
                Box box = boxes.get(detections[d]);
                double weight = 0;
                if (track.label.equals(box.label())) {
                    double iou = track.iou(box);
                    if (iou > 0 && iou >= settings.matchIou()) {
                        weight = iou - settings.matchIou() + AT_THRESHOLD;
                    }
                }
                weights[t * count + d] = weight;
            }
        }
        return assignment.maximise(weights, rows, count);
    }
}
