package io.streaminfer.pipeline.track;

/**
 * A named counting line, the segment from {@code from} to {@code to} in normalised coordinates.
 * Validated when built; messages name the pipelines-file key.
 *
 * <p>See {@link ZoneJudge} for when a track crosses it and which direction is {@code in}.
 *
 * @param name      {@code name}: the line's name in events and counts; not blank
 * @param from      {@code from}: one end, coordinates within 0..1; never {@literal null}
 * @param to        {@code to}: the other end, not equal to {@code from}; never {@literal null}
 * @param minFrames {@code min_frames}, 1..100, default 2: frames in a row a track must be seen on
 *                  the new side before its crossing counts, so jitter on the line is not a crossing
 */
public record CountLine(String name, Point from, Point to, int minFrames) {

    /** The default of {@code min_frames}. */
    public static final int DEFAULT_MIN_FRAMES = 2;

    /** Validates the line. */
    public CountLine {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a line needs a name: name must not be empty");
        }
        Zone.requireNormalised("line '" + name + "': from", from);
        Zone.requireNormalised("line '" + name + "': to", to);
        if (from.equals(to)) {
            throw new IllegalArgumentException("line '" + name + "': from and to must be different points, both are "
                    + from.x() + "," + from.y());
        }
        if (minFrames < 1 || minFrames > 100) {
            throw new IllegalArgumentException("line '" + name + "': min_frames must be between 1 and 100, got "
                    + minFrames);
        }
    }

    /**
     * A line with the default {@code min_frames} of {@value #DEFAULT_MIN_FRAMES}.
     *
     * @param name the line's name
     * @param from one end
     * @param to   the other end
     */
    public CountLine(String name, Point from, Point to) {
        this(name, from, to, DEFAULT_MIN_FRAMES);
    }

    /**
     * @return positive when {@code (x, y)} is on the right of the line looking from {@code from}
     *         to {@code to} on screen (y down), negative on the left, 0 on it
     */
    double side(double x, double y) {
        return (to.x() - from.x()) * (y - from.y()) - (to.y() - from.y()) * (x - from.x());
    }

    /**
     * @return whether the move from {@code (x0, y0)} to {@code (x1, y1)}, which changes side,
     *         meets the line within the segment's extent (its ends included)
     */
    boolean crossesWithin(double x0, double y0, double x1, double y1) {
        double s0 = side(x0, y0);
        double s1 = side(x1, y1);
        double f = s0 / (s0 - s1);
        double x = x0 + f * (x1 - x0);
        double y = y0 + f * (y1 - y0);
        double dx = to.x() - from.x();
        double dy = to.y() - from.y();
        double along = ((x - from.x()) * dx + (y - from.y()) * dy) / (dx * dx + dy * dy);
        double slack = Zone.EDGE_TOLERANCE / Math.hypot(dx, dy);
        return along >= -slack && along <= 1 + slack;
    }
}
