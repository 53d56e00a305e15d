package io.streaminfer.pipeline;

import io.streaminfer.core.Frame;

import java.util.Map;

/**
 * {@code noop}: reports the encoded size without decoding a pixel (width and height, read from
 * the JPEG header, are in every result). The cheapest step, for measuring the transport.
 */
final class NoopStep implements Step {

    @Override
    public StepOutput apply(Frame frame, FrameImage image) {
        return StepOutput.of(Map.of("bytes", frame.info().sizeBytes()));
    }
}
