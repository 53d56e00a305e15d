package io.streaminfer.core.internal;

/**
 * Completion times of the last results, to tell how many frames per second this session's
 * pipeline actually sustains (worker sharing included). Not thread-safe: used under the
 * session lock.
 */
final class ThroughputMeter {

    private static final double NANOS_PER_SECOND = 1e9;

    private final long[] completions;
    private int next;
    private int count;

    ThroughputMeter(int capacity) {
        this.completions = new long[capacity];
    }

    void record(long completedNanos) {
        completions[next] = completedNanos;
        next = (next + 1) % completions.length;
        if (count < completions.length) {
            count++;
        }
    }

    /** Results per second over the recorded completions, or NaN with fewer than two. */
    double perSecond() {
        if (count < 2) {
            return Double.NaN;
        }
        long newest = completions[(next - 1 + completions.length) % completions.length];
        long oldest = completions[(next - count + completions.length) % completions.length];
        long span = newest - oldest;
        return span <= 0 ? Double.NaN : (count - 1) * NANOS_PER_SECOND / span;
    }
}
