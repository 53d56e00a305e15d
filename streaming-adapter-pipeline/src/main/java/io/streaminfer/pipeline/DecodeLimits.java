package io.streaminfer.pipeline;

import io.streaminfer.core.Frame;
import io.streaminfer.core.FrameRejectedException;
import io.streaminfer.core.FrameValidator;
import io.streaminfer.core.PipelineException;

/**
 * What a frame may ask of a decoder, checked from its JPEG header right before it is decoded:
 * the pixel limit, and the scan and component caps of {@link FrameValidator#jpeg(long, long)}.
 * The engine's validator refuses such frames first; this holds when a pipeline runs behind
 * another validator (an embedder's), so neither the JDK's decoder nor a native step (OpenCV,
 * Tesseract, ONNX Runtime) ever sees them. Thread-safe.
 */
final class DecodeLimits {

    private static final DecodeLimits DEFAULTS = new DecodeLimits(FrameValidator.DEFAULT_MAX_FRAME_PIXELS);

    private final long maxFramePixels;
    private final FrameValidator headers;

    DecodeLimits(long maxFramePixels) {
        this.maxFramePixels = maxFramePixels;
        this.headers = FrameValidator.jpeg(Long.MAX_VALUE, maxFramePixels); // the engine has applied the size limit
    }

    static DecodeLimits defaults() {
        return DEFAULTS;
    }

    long maxFramePixels() {
        return maxFramePixels;
    }

    /**
     * @param frame a frame about to be decoded
     * @throws PipelineException when its header asks for more than the limits allow
     */
    void check(Frame frame) throws PipelineException {
        try {
            headers.validate(frame.jpeg());
        } catch (FrameRejectedException e) {
            throw new PipelineException("the frame was not decoded: " + e.getMessage(), "decode", null);
        }
    }
}
