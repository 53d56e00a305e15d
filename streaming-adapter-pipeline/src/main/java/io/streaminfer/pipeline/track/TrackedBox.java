package io.streaminfer.pipeline.track;

import java.util.Objects;

/**
 * A confirmed track as seen in one frame: its id from {@link ByteTracker} and its box.
 *
 * @param trackId the track's id, positive
 * @param box     where it is, in pixels of the frame, with its label; never {@literal null}
 */
public record TrackedBox(int trackId, Box box) {

    /** Checks the id and the box. */
    public TrackedBox {
        if (trackId <= 0) {
            throw new IllegalArgumentException("trackId must be positive, got " + trackId);
        }
        Objects.requireNonNull(box, "box");
    }
}
