package io.streaminfer.core.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What happened to one session's frames, counted by what really reached the client:
 * {@code received = processed + dropped + failed + unanswered} once every answer settled.
 * Thread-safe (answers settle on the transport's threads).
 */
final class SessionCounters {

    private final AtomicLong received = new AtomicLong();
    private final AtomicLong processed = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong unanswered = new AtomicLong();
    private final AtomicLong slowDowns = new AtomicLong();

    /** @return the index of the frame just received (1-based) */
    long received() {
        return received.incrementAndGet();
    }

    long receivedCount() {
        return received.get();
    }

    void processedOne() {
        processed.incrementAndGet();
    }

    void droppedOne() {
        dropped.incrementAndGet();
    }

    void failedOne() {
        failed.incrementAndGet();
    }

    void unansweredOne() {
        unanswered.incrementAndGet();
    }

    void slowDownOne() {
        slowDowns.incrementAndGet();
    }

    long processed() {
        return processed.get();
    }

    long dropped() {
        return dropped.get();
    }

    long failed() {
        return failed.get();
    }

    long unanswered() {
        return unanswered.get();
    }

    long slowDowns() {
        return slowDowns.get();
    }
}
