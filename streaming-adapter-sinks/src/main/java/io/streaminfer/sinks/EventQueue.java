package io.streaminfer.sinks;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded queue between publishing threads and a sink's sender thread. When it is full, a
 * new event evicts the oldest one. The head stays queued while it is sent and retried, so a
 * failed event waiting for its retry is the first to go when newer events overflow the queue;
 * only during an attempt is the head held back from eviction (it may be on the wire), and then
 * the next oldest goes instead.
 *
 * <p>{@link #offer} is called from any thread and never waits for the sender; the lock is held
 * for a few field updates only. {@link #beginAttempt}, {@link #endAttempt}, {@link #pause} and
 * {@link #drain} are called by the sender thread alone.
 */
final class EventQueue {

    /** What {@link #offer} did. */
    enum Offer {
        /** Queued. */
        QUEUED,
        /** Queued, and the oldest waiting event was evicted to make room. */
        QUEUED_EVICTING_OLDEST,
        /** Not queued: the queue is closed. */
        REFUSED
    }

    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition available = lock.newCondition();
    private final Condition closing = lock.newCondition();
    private final ArrayDeque<QueuedEvent> events;
    private boolean attempting;
    private boolean closed;
    private volatile int length;

    EventQueue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
        this.events = new ArrayDeque<>(Math.min(capacity, 1024) + 1);
    }

    Offer offer(QueuedEvent event) {
        lock.lock();
        try {
            if (closed) {
                return Offer.REFUSED;
            }
            boolean evicting = events.size() - (attempting ? 1 : 0) >= capacity;
            if (evicting) {
                if (attempting) {
                    QueuedEvent head = events.pollFirst();
                    events.pollFirst();
                    events.addFirst(head);
                } else {
                    events.pollFirst();
                }
            }
            events.addLast(event);
            length = events.size();
            available.signal();
            return evicting ? Offer.QUEUED_EVICTING_OLDEST : Offer.QUEUED;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for an event and holds it back from eviction until {@link #endAttempt}.
     *
     * @return the oldest event, or {@literal null} once the queue is closed
     * @throws InterruptedException when the sender thread is interrupted
     */
    QueuedEvent beginAttempt() throws InterruptedException {
        lock.lock();
        try {
            while (events.isEmpty() && !closed) {
                available.await();
            }
            if (closed) {
                return null;
            }
            attempting = true;
            return events.peekFirst();
        } finally {
            lock.unlock();
        }
    }

    /**
     * @param done whether the attempted event leaves the queue (sent or rejected); otherwise it
     *             stays at the head for a retry, evictable again
     */
    void endAttempt(boolean done) {
        lock.lock();
        try {
            attempting = false;
            if (done) {
                events.pollFirst();
                length = events.size();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for a retry's backoff, returning early when the queue is closed.
     *
     * @param wait how long
     * @return {@literal false} when the queue was closed
     * @throws InterruptedException when the sender thread is interrupted
     */
    boolean pause(Duration wait) throws InterruptedException {
        lock.lock();
        try {
            long nanos = wait.toNanos();
            while (!closed && nanos > 0) {
                nanos = closing.awaitNanos(nanos);
            }
            return !closed;
        } finally {
            lock.unlock();
        }
    }

    /** Refuses further events and wakes the sender. */
    void close() {
        lock.lock();
        try {
            closed = true;
            available.signalAll();
            closing.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** @return how many events were still queued; the queue is empty afterwards */
    int drain() {
        lock.lock();
        try {
            int left = events.size();
            events.clear();
            attempting = false;
            length = 0;
            return left;
        } finally {
            lock.unlock();
        }
    }

    /** @return events queued, including one being attempted; readable from any thread */
    int length() {
        return length;
    }
}
