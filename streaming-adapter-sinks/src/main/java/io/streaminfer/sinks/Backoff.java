package io.streaminfer.sinks;

import java.time.Duration;

/**
 * How long a sink waits before retrying a failed send: {@code initial}, doubling after each
 * failure in a row, at most {@code max}.
 *
 * @param initial the wait after the first failure
 * @param max     the longest wait
 */
record Backoff(Duration initial, Duration max) {

    /** 0.5 s doubling to 30 s: a broker that restarts is reached again within seconds, a dead one costs little. */
    static final Backoff DEFAULT = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));

    Backoff {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max, got " + initial + " and " + max);
        }
    }

    /**
     * @param failuresInARow failed attempts since the last success, at least 1
     * @return how long to wait before the next attempt
     */
    Duration delay(int failuresInARow) {
        int doublings = Math.min(Math.max(failuresInARow, 1) - 1, 30);
        long nanos = initial.toNanos();
        for (int i = 0; i < doublings && nanos < max.toNanos(); i++) {
            nanos *= 2;
        }
        return nanos < max.toNanos() ? Duration.ofNanos(nanos) : max;
    }
}
