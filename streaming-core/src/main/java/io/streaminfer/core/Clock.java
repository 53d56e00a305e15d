package io.streaminfer.core;

/**
 * Port for time. The engine reads every timestamp through a clock so that backpressure,
 * drop-rate windows and slow-down pacing can be tested without sleeping.
 *
 * <p>Called from any thread, concurrently; implementations must be thread-safe and cheap.
 */
@FunctionalInterface
public interface Clock {

    /**
     * Monotonic time in nanoseconds, with the semantics of {@link System#nanoTime()}: only
     * differences between two readings mean anything.
     *
     * @return the current monotonic time in nanoseconds
     */
    long nanoTime();

    /**
     * The clock backed by {@link System#nanoTime()}.
     *
     * @return never {@literal null}
     */
    static Clock system() {
        return System::nanoTime;
    }
}
