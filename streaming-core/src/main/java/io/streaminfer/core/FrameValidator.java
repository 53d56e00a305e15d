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
     *         the size limit, {@link ErrorCode#INVALID_FRAME} when it is not a well-formed JPEG
     */
    FrameInfo validate(byte[] data) throws FrameRejectedException;

    /**
     * The JPEG validator: size limit, SOI/EOI markers, and a walk over the marker segments that
     * rejects broken structure and reads width and height from the start-of-frame segment.
     *
     * @param maxBytes the largest accepted frame in bytes; a frame of exactly this size is accepted
     * @return never {@literal null}
     */
    static FrameValidator jpeg(long maxBytes) {
        return new JpegStructureValidator(maxBytes);
    }
}
