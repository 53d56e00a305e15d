package io.streaminfer.pipeline;

import io.streaminfer.core.Frame;
import io.streaminfer.core.FrameProcessor;
import io.streaminfer.core.InferenceResult;

/**
 * The {@code noop} pipeline: reports what the JPEG header says (width, height, size) without
 * decoding a pixel. The cheapest possible pipeline, for measuring the transport.
 */
final class NoopStep implements FrameProcessor {

    @Override
    public InferenceResult process(Frame frame) {
        return InferenceResult.builder()
                .put("width", frame.info().width())
                .put("height", frame.info().height())
                .put("bytes", frame.info().sizeBytes())
                .build();
    }
}
