package io.streaminfer.core;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of frames the server holds across all sessions: being read by a transport, waiting,
 * or in a pipeline. Bounded by {@link StreamConfig#memoryBudgetBytes()}, so a crowd of sessions
 * sending large frames gets frames answered as dropped instead of an {@link OutOfMemoryError}.
 *
 * <p>The engine reserves a frame's bytes when it takes the frame and releases them when the
 * frame leaves (dropped, answered, or its session closed). A transport that buffers a message
 * before handing it to the engine should reserve its declared size before reading the payload,
 * release it once the engine has the message, and, when the reservation fails, discard the
 * payload unread and call {@link StreamSession#onFrameSkipped(long)}. Thread-safe.
 */
public final class MemoryBudget {

    private final long limit;
    private final AtomicLong used = new AtomicLong();

    /**
     * @param limitBytes the most bytes held at once, at least 1
     */
    public MemoryBudget(long limitBytes) {
        if (limitBytes < 1) {
            throw new IllegalArgumentException("limitBytes must be at least 1, got " + limitBytes);
        }
        this.limit = limitBytes;
    }

    /**
     * @param bytes what to hold
     * @return whether the bytes fit and are now reserved; when false, nothing was reserved
     */
    public boolean tryReserve(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes must not be negative, got " + bytes);
        }
        while (true) {
            long now = used.get();
            if (now + bytes > limit) {
                return false;
            }
            if (used.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    /**
     * Gives back bytes reserved with {@link #tryReserve(long)}.
     *
     * @param bytes what was reserved
     */
    public void release(long bytes) {
        used.addAndGet(-bytes);
    }

    /** @return bytes held now */
    public long used() {
        return used.get();
    }

    /** @return the most bytes held at once */
    public long limit() {
        return limit;
    }
}
