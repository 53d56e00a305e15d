package io.streaminfer.core;

import java.util.Objects;

/**
 * One validated frame of a stream.
 *
 * <p>The JPEG bytes are not copied: the engine owns the array once the transport hands it
 * over, and no one may modify it afterwards.
 *
 * @param index         1-based position of the frame in its session (the Nth binary message has index N)
 * @param jpeg          the encoded JPEG, never {@literal null}
 * @param info          what validation read from the JPEG header, never {@literal null}
 * @param receivedNanos {@link Clock#nanoTime()} when the transport handed the frame over
 */
public record Frame(long index, byte[] jpeg, FrameInfo info, long receivedNanos) {

    /** Validates the values. */
    public Frame {
        if (index < 1) {
            throw new IllegalArgumentException("frame index is 1-based: " + index);
        }
        Objects.requireNonNull(jpeg, "jpeg");
        Objects.requireNonNull(info, "info");
    }

    @Override
    public String toString() {
        return "Frame[index=" + index + ", " + info.width() + "x" + info.height() + ", " + jpeg.length + " bytes]";
    }
}
