package io.streaminfer.pipeline;

import io.streaminfer.core.Frame;
import io.streaminfer.core.PipelineException;

/**
 * The pixels of one frame, decoded at most once, and only when a step asks. Used by one
 * pipeline run on one thread.
 */
final class FrameImage {

    private final Frame frame;
    private final FrameDecoder decoder;
    private LumaImage luma;
    private long decodeNanos;

    FrameImage(Frame frame, FrameDecoder decoder) {
        this.frame = frame;
        this.decoder = decoder;
    }

    /**
     * @return the frame as 8-bit luma (grayscale), decoded on the first call
     * @throws PipelineException when the JPEG cannot be decoded
     */
    LumaImage luma() throws PipelineException {
        if (luma == null) {
            long start = System.nanoTime();
            try {
                luma = decoder.decodeLuma(frame.jpeg());
            } catch (RuntimeException e) {
                throw new PipelineException("the frame could not be decoded as a JPEG image", "decode", e);
            }
            decodeNanos = System.nanoTime() - start;
            if (luma.width() != frame.info().width() || luma.height() != frame.info().height()) {
                throw new PipelineException("the frame decoded to " + luma.width() + "x" + luma.height()
                        + " but its header says " + frame.info().width() + "x" + frame.info().height(), "decode", null);
            }
        }
        return luma;
    }

    /** @return whether a step asked for pixels */
    boolean decoded() {
        return luma != null;
    }

    /** @return how long decoding took, 0 when it did not happen */
    long decodeNanos() {
        return decodeNanos;
    }
}
