package io.streaminfer.core.internal;

import java.util.Arrays;

/** The last {@code capacity} pipeline durations, for percentiles on demand. Used under the session lock. */
final class RecentDurations {

    private final long[] nanos;
    private int next;
    private int count;

    RecentDurations(int capacity) {
        this.nanos = new long[capacity];
    }

    void record(long durationNanos) {
        nanos[next] = durationNanos;
        next = (next + 1) % nanos.length;
        if (count < nanos.length) {
            count++;
        }
    }

    /** Nearest-rank percentile in milliseconds, 0 when nothing was recorded. */
    double percentileMillis(double quantile) {
        if (count == 0) {
            return 0.0;
        }
        long[] sorted = Arrays.copyOf(nanos, count);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(quantile * count);
        return sorted[Math.max(0, Math.min(count - 1, rank - 1))] / 1e6;
    }
}
