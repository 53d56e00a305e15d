package io.streaminfer.pipeline.track;

/**
 * A point in normalised frame coordinates: (0, 0) is the frame's top-left corner, (1, 1) its
 * bottom-right, x to the right and y down. {@link Zone} and {@link CountLine} check that their
 * points lie within 0..1.
 *
 * @param x fraction of the frame's width
 * @param y fraction of the frame's height
 */
public record Point(double x, double y) {
}
