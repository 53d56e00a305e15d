package io.streaminfer.core;

/**
 * Port for the work done on a frame: a pipeline instance bound to one session.
 *
 * <p>Lifecycle: a {@link PipelineRegistry} creates one processor when a session opens; the
 * engine then calls {@link #process} once per frame that the backpressure policy lets through,
 * in increasing frame index order, on one of the engine's worker threads (not always the same
 * one), and <em>never concurrently</em> for the same processor, so per-session state (motion,
 * tracking) needs no locking. After the last call returns, the engine calls {@link #close}
 * exactly once, when the session ends.
 *
 * <p>A processor may block (inference takes time); it holds one worker while it does. If it
 * throws, the client gets a {@code pipeline_failure} error for that frame and the stream goes
 * on; the message of a {@link PipelineException} is shown to the client, any other exception
 * is reported with a generic sentence and logged.
 */
@FunctionalInterface
public interface FrameProcessor extends AutoCloseable {

    /**
     * Runs the pipeline on one frame.
     *
     * @param frame a validated frame; its bytes must not be modified
     * @return the result for this frame, never {@literal null}
     * @throws Exception when the pipeline fails on this frame
     */
    InferenceResult process(Frame frame) throws Exception;

    /** Releases what this processor holds. Called once; the default does nothing. */
    @Override
    default void close() {
    }
}
