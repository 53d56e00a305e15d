package io.streaminfer.pipeline;

import io.streaminfer.core.Frame;

/**
 * One step of a pipeline, bound to one session (so it may keep state, like {@code motion}).
 * Called by {@link ChainedPipeline} in frame order, never concurrently.
 */
interface Step extends AutoCloseable {

    /**
     * @param frame the frame
     * @param image the frame's pixels, decoded on first use and shared by the steps of one run
     * @return what the step found, never {@literal null}
     * @throws Exception when the step fails on this frame
     */
    StepOutput apply(Frame frame, FrameImage image) throws Exception;

    /** @return whether the step reads colour ({@link FrameImage#rgb()}); the frame is then decoded in colour once */
    default boolean needsColor() {
        return false;
    }

    @Override
    default void close() {
    }
}
