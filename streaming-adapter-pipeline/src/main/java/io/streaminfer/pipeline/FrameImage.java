package io.streaminfer.pipeline;

import io.streaminfer.core.Frame;
import io.streaminfer.core.PipelineException;

/**
 * The pixels of one frame, decoded at most once, and only when a step asks: in grayscale when
 * no step of the pipeline needs colour (cheaper), else in colour, with luma derived from it.
 * Used by one pipeline run on one thread.
 *
 * <p>Before the first decode the frame's header is checked against the {@link DecodeLimits}, and
 * after it the decoded size against the header, so no step ever gets pixels the limits refuse.
 */
final class FrameImage {

    private final Frame frame;
    private final FrameDecoder decoder;
    private final boolean colour;
    private final DecodeLimits limits;
    private LumaImage luma;
    private RgbImage rgb;
    private ColourImage reduced;
    private int reducedBy;
    private long decodeNanos;

    FrameImage(Frame frame, FrameDecoder decoder) {
        this(frame, decoder, false, DecodeLimits.defaults());
    }

    FrameImage(Frame frame, FrameDecoder decoder, boolean colour, DecodeLimits limits) {
        this.frame = frame;
        this.decoder = decoder;
        this.colour = colour;
        this.limits = limits;
    }

    /**
     * @return the frame as 8-bit luma (grayscale)
     * @throws PipelineException when the JPEG cannot be decoded
     */
    LumaImage luma() throws PipelineException {
        if (luma == null) {
            if (colour) {
                luma = rgb().toLuma();
            } else {
                LumaImage decoded = timed(() -> decoder.decodeLuma(frame.jpeg()));
                checkSize(decoded.width(), decoded.height());
                luma = decoded;
            }
        }
        return luma;
    }

    /**
     * @return the frame in colour; only for steps that declare {@link Step#needsColor()}
     * @throws PipelineException when the JPEG cannot be decoded
     */
    RgbImage rgb() throws PipelineException {
        if (!colour) {
            throw new IllegalStateException("this pipeline decodes in grayscale: the step must declare needsColor()");
        }
        if (rgb == null) {
            RgbImage decoded = timed(() -> decoder.decodeRgb(frame.jpeg()));
            checkSize(decoded.width(), decoded.height());
            rgb = decoded;
        }
        return rgb;
    }

    /**
     * The frame in colour for a model input, decoded once for every step that asks: when a step
     * needs fewer pixels than the frame has, the JPEG decoder scales the image down while
     * decoding (DCT scaling: the cost falls with the square of the reduction), else it is the
     * frame in full. A later request for more pixels decodes again.
     *
     * @param reduction how many times smaller the image may be on each side: 1, 2, 4 or 8
     * @return the pixels, in whatever byte order the decoder gives
     * @throws PipelineException when the JPEG cannot be decoded
     */
    ColourImage colour(int reduction) throws PipelineException {
        if (!colour) {
            throw new IllegalStateException("this pipeline decodes in grayscale: the step must declare needsColor()");
        }
        if (rgb != null) {
            return ColourImage.of(rgb);
        }
        if (reduced == null || reducedBy > reduction) {
            ColourImage decoded = timed(() -> ColourDecoding.decode(frame.jpeg(), reduction));
            boolean full = decoded.width() == width() && decoded.height() == height();
            if (!full && (decoded.width() != (width() + reduction - 1) / reduction
                    || decoded.height() != (height() + reduction - 1) / reduction)) {
                throw new PipelineException("the frame decoded to " + decoded.width() + "x" + decoded.height()
                        + " at 1/" + reduction + " but its header says " + width() + "x" + height(), "decode", null);
            }
            reduced = decoded;
            reducedBy = full ? 1 : reduction;
        }
        return reduced;
    }

    /** @return the frame's width, from its header */
    int width() {
        return frame.info().width();
    }

    /** @return the frame's height, from its header */
    int height() {
        return frame.info().height();
    }

    /**
     * Checks the limits, runs one decode, adds its time, and turns a decoder's unexpected
     * exception into a frame failure.
     */
    private <T> T timed(Decode<T> decode) throws PipelineException {
        long start = System.nanoTime();
        try {
            limits.check(frame);
            return decode.run();
        } catch (RuntimeException e) {
            throw new PipelineException("the frame could not be decoded as a JPEG image", "decode", e);
        } finally {
            decodeNanos += System.nanoTime() - start;
        }
    }

    @FunctionalInterface
    private interface Decode<T> {
        T run() throws PipelineException;
    }

    private void checkSize(int width, int height) throws PipelineException {
        if (width != frame.info().width() || height != frame.info().height()) {
            throw new PipelineException("the frame decoded to " + width + "x" + height
                    + " but its header says " + frame.info().width() + "x" + frame.info().height(), "decode", null);
        }
    }

    /** @return whether a step asked for pixels */
    boolean decoded() {
        return luma != null || rgb != null || reduced != null;
    }

    /** @return how long decoding took, 0 when it did not happen */
    long decodeNanos() {
        return decodeNanos;
    }
}
