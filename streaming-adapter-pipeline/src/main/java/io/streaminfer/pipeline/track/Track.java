package io.streaminfer.pipeline.track;

/**
 * One object followed by a {@link ByteTracker}: its Kalman state, where it is in its lifecycle
 * and when it was last matched. Mutable, owned by one tracker.
 */
final class Track {

    /** Where a track is in its life; removed tracks are simply dropped by the tracker. */
    enum State {
        /** Seen in fewer than {@code min_hits} consecutive updates; has no id yet. */
        TENTATIVE,
        /** Confirmed and matched on its latest update. */
        TRACKED,
        /** Confirmed, not matched on its latest update; removed after {@code max_lost_s}. */
        LOST
    }

    final String label;
    private final double[] mean = new double[KalmanBoxFilter.STATE];
    private final double[] covariance = new double[KalmanBoxFilter.STATE * KalmanBoxFilter.STATE];
    private State state = State.TENTATIVE;
    private int id;
    private int hits = 1;
    private long stateNanos;
    private long lastMatchNanos;
    // the predicted box, cached for the association's IoU
    private double left;
    private double top;
    private double right;
    private double bottom;

    Track(Box box, long timeNanos) {
        label = box.label();
        KalmanBoxFilter.initiate(mean, covariance, box.x() + box.w() / 2.0, box.y() + box.h() / 2.0,
                box.w() / (double) box.h(), box.h());
        stateNanos = timeNanos;
        lastMatchNanos = timeNanos;
        cacheBox();
    }

    /** Predicts the state to {@code timeNanos}; {@code nominalFrameNanos} sets the velocities' unit. */
    void predictTo(long timeNanos, double nominalFrameNanos) {
        long elapsed = timeNanos - stateNanos;
        if (elapsed <= 0) {
            return; // a clock that did not advance (or went back) predicts nothing
        }
        if (state != State.TRACKED) {
            mean[7] = 0; // as ByteTrack: an unmatched track does not keep growing or shrinking
        }
        KalmanBoxFilter.predict(mean, covariance, elapsed / nominalFrameNanos);
        stateNanos = timeNanos;
        cacheBox();
    }

    /** Corrects the state with a matched detection and counts the hit. */
    void match(Box box, long timeNanos) {
        KalmanBoxFilter.correct(mean, covariance, box.x() + box.w() / 2.0, box.y() + box.h() / 2.0,
                box.w() / (double) box.h(), box.h());
        lastMatchNanos = timeNanos;
        hits++;
        if (state == State.LOST) {
            state = State.TRACKED;
        }
        cacheBox();
    }

    /** Gives a tentative track its id. */
    void confirm(int newId) {
        id = newId;
        state = State.TRACKED;
    }

    void markLost() {
        state = State.LOST;
    }

    State state() {
        return state;
    }

    int id() {
        return id;
    }

    int hits() {
        return hits;
    }

    long lastMatchNanos() {
        return lastMatchNanos;
    }

    /** @return the intersection over union of the predicted box and {@code box}, 0 when either is empty */
    double iou(Box box) {
        double bl = box.x();
        double bt = box.y();
        double br = bl + box.w();
        double bb = bt + box.h();
        double iw = Math.min(right, br) - Math.max(left, bl);
        double ih = Math.min(bottom, bb) - Math.max(top, bt);
        if (iw <= 0 || ih <= 0 || right <= left || bottom <= top) {
            return 0;
        }
        double intersection = iw * ih;
        double union = (right - left) * (bottom - top) + (double) box.w() * box.h() - intersection;
        return intersection / union;
    }

    private void cacheBox() {
        double h = mean[3];
        double w = mean[2] * h;
        left = mean[0] - w / 2;
        right = mean[0] + w / 2;
        top = mean[1] - h / 2;
        bottom = mean[1] + h / 2;
    }
}
