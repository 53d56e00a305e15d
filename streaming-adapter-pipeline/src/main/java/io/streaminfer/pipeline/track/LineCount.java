package io.streaminfer.pipeline.track;

/**
 * How many crossings of one line a session has counted.
 *
 * @param in  crossings in direction {@code in}
 * @param out crossings in direction {@code out}
 */
public record LineCount(long in, long out) {
}
