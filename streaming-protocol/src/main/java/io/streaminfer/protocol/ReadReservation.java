package io.streaminfer.protocol;

import io.streaminfer.core.MemoryBudget;

import java.util.Objects;

/**
 * The bytes one connection's transport holds in its read path (a message being received or
 * buffered before the engine takes it), reserved from the server's {@link MemoryBudget}. The
 * engine reserves its own copy of a frame separately, when it takes the frame.
 *
 * <p>A transport's frame guard calls {@link #tryReserve} before it lets a runtime buffer bytes,
 * {@link #releaseAll} once the runtime has handed the message to the endpoint (or dropped it), and
 * {@link #close} when the connection ends, whichever way: after that nothing can be reserved, so a
 * read still in progress on another thread cannot leak bytes into the budget. Thread-safe: the
 * reading thread reserves and releases, the runtime's close may come from any thread.
 */
public final class ReadReservation {

    private final MemoryBudget budget;
    private long held;
    private boolean closed;

    /**
     * @param budget the server's budget, usually {@code StreamEngine.memoryBudget()}
     */
    public ReadReservation(MemoryBudget budget) {
        this.budget = Objects.requireNonNull(budget, "budget");
    }

    /**
     * @param bytes what the runtime is about to hold, 0 or more
     * @return whether they fit in the budget and are now held; false once closed
     */
    public synchronized boolean tryReserve(long bytes) {
        if (closed || !budget.tryReserve(bytes)) {
            return false;
        }
        held += bytes;
        return true;
    }

    /** Gives back everything held: the runtime no longer holds the message. */
    public synchronized void releaseAll() {
        budget.release(held);
        held = 0;
    }

    /**
     * Gives back part of what is held.
     *
     * @param bytes at most what is held
     */
    public synchronized void release(long bytes) {
        long released = Math.min(bytes, held);
        budget.release(released);
        held -= released;
    }

    /** The connection ended: everything held goes back and nothing more can be reserved. */
    public synchronized void close() {
        closed = true;
        releaseAll();
    }

    /** @return the bytes held now */
    public synchronized long held() {
        return held;
    }
}
