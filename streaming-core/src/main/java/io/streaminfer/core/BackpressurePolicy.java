package io.streaminfer.core;

import io.streaminfer.core.internal.BoundedFifoQueue;
import io.streaminfer.core.internal.LatestFrameWinsQueue;

/**
 * Port that decides which frames of a session wait for the pipeline and which are dropped
 * when frames arrive faster than the pipeline runs.
 *
 * <p>The engine keeps at most one frame of a session in the pipeline; everything else waits
 * in the session's {@link FrameQueue}. The engine calls {@link #newQueue()} once per session,
 * when the session opens, from the transport's thread; a policy is shared by all sessions and
 * must be thread-safe (it usually holds only its configuration).
 */
@FunctionalInterface
public interface BackpressurePolicy {

    /**
     * Creates the waiting room of one new session.
     *
     * @return a new, empty queue; never {@literal null}
     */
    FrameQueue newQueue();

    /**
     * The default policy: at most {@code depth} frames wait; when a frame arrives and the
     * waiting room is full, the oldest waiting frame is dropped. The newest frame wins, so
     * results stay fresh.
     *
     * @param depth how many frames may wait, at least 1
     * @return never {@literal null}
     */
    static BackpressurePolicy latestFrameWins(int depth) {
        LatestFrameWinsQueue.checkDepth(depth);
        return () -> new LatestFrameWinsQueue(depth);
    }

    /**
     * A policy for clients that want every frame in order, e.g. offline uploads: at most
     * {@code depth} frames wait in arrival order; a frame that arrives when the waiting room is
     * full is itself dropped.
     *
     * @param depth how many frames may wait, at least 1
     * @return never {@literal null}
     */
    static BackpressurePolicy boundedFifo(int depth) {
        LatestFrameWinsQueue.checkDepth(depth);
        return () -> new BoundedFifoQueue(depth);
    }
}
