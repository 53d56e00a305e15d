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

    /**
     * For steps that work on what the steps before them found ({@code track}, {@code zones}); the
     * others ignore the context.
     *
     * @param frame   the frame
     * @param image   the frame's pixels
     * @param context the detections of the steps before this one, and the session's shared notes
     * @return what the step found; {@link StepOutput#replacing} to annotate the detections found
     * @throws Exception when the step fails on this frame
     */
    default StepOutput apply(Frame frame, FrameImage image, StepContext context) throws Exception {
        return apply(frame, image);
    }

    /** @return whether the step reads colour ({@link FrameImage#rgb()}); the frame is then decoded in colour once */
    default boolean needsColor() {
        return false;
    }

    @Override
    default void close() {
    }
}
