package io.streaminfer.core;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Clock} that only moves when told to. Tests advance it instead of sleeping.
 * Thread-safe.
 */
public final class ManualClock implements Clock {

    private final AtomicLong nanos = new AtomicLong();

    @Override
    public long nanoTime() {
        return nanos.get();
    }

    /**
     * Moves the clock forward.
     *
     * @param amount how far; must not be negative
     * @return this clock
     */
    public ManualClock advance(Duration amount) {
        if (amount.isNegative()) {
            throw new IllegalArgumentException("a clock cannot go back: " + amount);
        }
        nanos.addAndGet(amount.toNanos());
        return this;
    }

    /**
     * Moves the clock forward by a number of milliseconds.
     *
     * @param millis how far; must not be negative
     * @return this clock
     */
    public ManualClock advanceMillis(long millis) {
        return advance(Duration.ofMillis(millis));
    }
}
