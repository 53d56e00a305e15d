package io.streaminfer.pipeline;

import io.streaminfer.core.Frame;
import io.streaminfer.core.PipelineException;

/**
 * {@code fail}, a diagnostic: fails on every frame, so clients and compatibility kits can see
 * {@code pipeline_failure} (per frame, with its index) and the close 1011 that follows
 * {@code STREAM_MAX_CONSECUTIVE_FAILURES} failures in a row, on a real server. Never decodes.
 */
final class FailStep implements Step {

    /** The {@code detail} every failed frame is answered with: a sentence, as the protocol wants. */
    static final String DETAIL = "the fail step fails on every frame by design: it is a diagnostic pipeline";

    @Override
    public StepOutput apply(Frame frame, FrameImage image) throws PipelineException {
        throw new PipelineException(DETAIL);
    }
}
