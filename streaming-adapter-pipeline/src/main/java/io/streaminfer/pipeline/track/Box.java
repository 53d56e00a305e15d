package io.streaminfer.pipeline.track;

import java.util.Objects;

/**
 * One detection as the tracker and the zone judge see it: a box in pixels of the frame, its
 * label and its score.
 *
 * @param x     left edge in pixels
 * @param y     top edge in pixels
 * @param w     width in pixels, not negative (the tracker ignores boxes of zero width or height)
 * @param h     height in pixels, not negative
 * @param label what was found, never {@literal null}
 * @param score the detector's confidence, usually between 0 and 1
 */
public record Box(float x, float y, float w, float h, String label, float score) {

    /** Checks that the box is finite and not negative in size. */
    public Box {
        Objects.requireNonNull(label, "label");
        if (!Float.isFinite(x) || !Float.isFinite(y) || !(w >= 0 && w < Float.POSITIVE_INFINITY)
                || !(h >= 0 && h < Float.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("a box needs finite coordinates and a size of 0 or more, got "
                    + x + "," + y + " " + w + "x" + h);
        }
        if (!Float.isFinite(score)) {
            throw new IllegalArgumentException("a box needs a finite score, got " + score);
        }
    }
}
