package io.streaminfer.core;

import io.streaminfer.core.internal.JpegStructureValidator;

/**
 * Port that decides whether a received binary message is a frame the engine may process.
 *
 * <p>The engine calls {@link #validate} once per binary message, on the transport's receive
 * thread, before anything else happens to the frame; it must therefore take microseconds, not
 * milliseconds: read headers, never decode pixels. Calls may be concurrent across sessions
 * (never within one), so implementations must be thread-safe and should be stateless.
 */
@FunctionalInterface
public interface FrameValidator {

    /**
     * Checks one frame.
     *
     * @param data the whole binary message; never {@literal null}, possibly empty; never modified
     * @return what the header says about the frame, never {@literal null}
     * @throws FrameRejectedException with {@link ErrorCode#FRAME_TOO_LARGE} when the frame is over
     *         the size or pixel limit (the detail starts with "frame too large"),
     *         {@link ErrorCode#INVALID_FRAME} when it is not a well-formed JPEG
     */
    FrameInfo validate(byte[] data) throws FrameRejectedException;

    /** The default limit on decoded pixels per frame (width x height from the header): 4096 x 4096. */
    long DEFAULT_MAX_FRAME_PIXELS = 16_777_216L;

    /**
     * The most scans (start-of-scan segments) a JPEG may have. Each scan is a pass of the decoder
     * over the whole image; a progressive JPEG from a camera or a browser has about ten, the
     * largest standard progressive layout 18. At 32, the worst accepted 4096 x 4096 frame costs
     * about half a second of decoding (docs/benchmarks.md).
     */
    int MAX_SCANS = 32;

    /**
     * The most colour components a JPEG may have: cameras and browsers send 1 (grayscale) or 3
     * (YCbCr); CMYK print files (4) cost the JDK decoder seconds per frame and are refused.
     */
    int MAX_COMPONENTS = 3;

    /**
     * The JPEG validator with the default pixel limit ({@link #DEFAULT_MAX_FRAME_PIXELS}).
     *
     * @param maxBytes the largest accepted frame in bytes; a frame of exactly this size is accepted
     * @return never {@literal null}
     * @see #jpeg(long, long)
     */
    static FrameValidator jpeg(long maxBytes) {
        return new JpegStructureValidator(maxBytes, DEFAULT_MAX_FRAME_PIXELS);
    }

    /**
     * The JPEG validator: size limit, SOI/EOI markers, and a walk over the marker segments that
     * rejects broken structure and reads width and height from the start-of-frame segment. It
     * also refuses, from the headers alone, what would make a decoder spend far more memory or
     * time than the frame's bytes suggest: more than {@code maxPixels} declared pixels
     * ({@link ErrorCode#FRAME_TOO_LARGE}), an empty image, more than {@link #MAX_COMPONENTS}
     * components, sampling factors outside 1..4, more than one start-of-frame, or more than
     * {@link #MAX_SCANS} scans ({@link ErrorCode#INVALID_FRAME}).
     *
     * @param maxBytes  the largest accepted frame in bytes; a frame of exactly this size is accepted
     * @param maxPixels the most pixels (width x height) a frame may declare; exactly this many is accepted
     * @return never {@literal null}
     * @throws IllegalArgumentException when {@code maxBytes} is under 4 or {@code maxPixels} under 1
     */
    static FrameValidator jpeg(long maxBytes, long maxPixels) {
        return new JpegStructureValidator(maxBytes, maxPixels);
    }
}
