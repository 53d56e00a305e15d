package io.streaminfer.protocol;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How often one kind of log line may be written: at most once per interval, the others counted,
 * so a flood of the same trouble (a client resetting 2,000 connections) costs one line a minute
 * that says how many it stands for. Thread-safe without locks; time is passed in, so a test
 * drives it with a manual clock.
 */
public final class LogRepeats {

    private final long intervalNanos;
    private final AtomicLong lastNanos = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong left = new AtomicLong();

    /** @param intervalNanos the shortest time between two lines of this kind */
    public LogRepeats(long intervalNanos) {
        if (intervalNanos <= 0) {
            throw new IllegalArgumentException("the interval must be positive");
        }
        this.intervalNanos = intervalNanos;
    }

    /**
     * @param now the current time in nanoseconds, from a monotonic clock
     * @return -1 to leave this line out, else how many were left out since the last one written
     */
    public long admit(long now) {
        long last = lastNanos.get();
        if (last != Long.MIN_VALUE && now - last < intervalNanos || !lastNanos.compareAndSet(last, now)) {
            left.incrementAndGet();
            return -1;
        }
        return left.getAndSet(0);
    }
}
