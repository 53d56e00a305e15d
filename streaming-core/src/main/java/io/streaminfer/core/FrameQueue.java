package io.streaminfer.core;

import java.util.List;

/**
 * The frames of one session that wait for the pipeline, as arranged by a
 * {@link BackpressurePolicy}.
 *
 * <p>The engine creates one queue per session and calls it only while holding that session's
 * lock, so an implementation needs no synchronisation of its own. Lifecycle: any number of
 * {@link #offer} and {@link #poll} calls, then at most one {@link #drain} when the session
 * ends. Every offered frame leaves the queue exactly once: returned by {@code offer} (dropped),
 * by {@code poll} (processed) or by {@code drain}.
 */
public interface FrameQueue {

    /**
     * Takes a newly received frame. Returns the frames the policy drops because of it: they
     * are answered as dropped at once and never reach the pipeline. The returned list may hold
     * the offered frame itself (a policy that refuses new frames when full).
     *
     * @param frame a validated frame with a higher index than every frame offered before
     * @return the dropped frames, oldest first; never {@literal null}, usually empty
     */
    List<Frame> offer(Frame frame);

    /**
     * Hands the next frame to the pipeline.
     *
     * @return the frame to process next, or {@literal null} when none waits
     */
    Frame poll();

    /**
     * Removes every waiting frame, when the session ends.
     *
     * @return the frames still waiting, oldest first; never {@literal null}
     */
    List<Frame> drain();

    /**
     * @return how many frames wait
     */
    int size();
}
