package io.streaminfer.pipeline.track;

import java.util.List;

/**
 * A named area of the frame, a polygon in normalised coordinates (convex or not; its edges are
 * joined last point to first). Validated when built; messages name the pipelines-file key.
 *
 * <p><b>Inside.</b> A point is inside when the even-odd rule says so (a ray from it crosses the
 * edges an odd number of times), <em>or</em> when it lies on an edge or a vertex, within
 * {@value #EDGE_TOLERANCE} of the frame's size: the polygon is closed, its boundary belongs to
 * it. So a box standing exactly on the edge is in, and a point on an edge two zones share is in
 * both.
 *
 * @param name         {@code name}: the zone's name in events and counts; not blank
 * @param points       {@code points}: at least 3 vertices, each coordinate within 0..1; never
 *                     {@literal null}
 * @param dwellSeconds {@code dwell_s}: after this many seconds inside, one {@code loiter} event
 *                     per visit; 0 (the default) never reports loitering
 */
public record Zone(String name, List<Point> points, double dwellSeconds) {

    /** How far from an edge, in fractions of the frame, a point still counts as on it. */
    static final double EDGE_TOLERANCE = 1e-9;

    /** Validates the zone and copies its points. */
    public Zone {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a zone needs a name: name must not be empty");
        }
        if (points == null || points.size() < 3) {
            throw new IllegalArgumentException("zone '" + name + "': points must hold at least 3 points, got "
                    + (points == null ? "none" : points.size()));
        }
        for (int i = 0; i < points.size(); i++) {
            requireNormalised("zone '" + name + "': points[" + i + "]", points.get(i));
        }
        if (!(dwellSeconds >= 0 && dwellSeconds < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("zone '" + name + "': dwell_s must be 0 or more seconds, got "
                    + dwellSeconds);
        }
        points = List.copyOf(points);
    }

    /**
     * A zone without loitering.
     *
     * @param name   the zone's name
     * @param points at least 3 vertices
     */
    public Zone(String name, List<Point> points) {
        this(name, points, 0);
    }

    static void requireNormalised(String where, Point point) {
        if (point == null) {
            throw new IllegalArgumentException(where + " must be given");
        }
        if (!(point.x() >= 0 && point.x() <= 1)) {
            throw new IllegalArgumentException(where + ".x must be between 0 and 1, got " + point.x());
        }
        if (!(point.y() >= 0 && point.y() <= 1)) {
            throw new IllegalArgumentException(where + ".y must be between 0 and 1, got " + point.y());
        }
    }

    /** @return whether the normalised point {@code (x, y)} is inside or on the boundary */
    boolean contains(double x, double y) {
        int n = points.size();
        boolean inside = false;
        for (int i = 0, j = n - 1; i < n; j = i++) {
            Point a = points.get(j);
            Point b = points.get(i);
            if (onSegment(a, b, x, y)) {
                return true;
            }
            // even-odd: does a ray to the right of (x, y) cross edge a-b? (half-open in y, so a
            // vertex the ray passes through is counted once)
            if ((b.y() > y) != (a.y() > y)) {
                double crossX = b.x() + (y - b.y()) * (a.x() - b.x()) / (a.y() - b.y());
                if (x < crossX) {
                    inside = !inside;
                }
            }
        }
        return inside;
    }

    private static boolean onSegment(Point a, Point b, double x, double y) {
        double dx = b.x() - a.x();
        double dy = b.y() - a.y();
        double length = Math.hypot(dx, dy);
        if (length == 0) {
            return Math.hypot(x - a.x(), y - a.y()) <= EDGE_TOLERANCE;
        }
        double distance = Math.abs(dx * (y - a.y()) - dy * (x - a.x())) / length;
        double along = (dx * (x - a.x()) + dy * (y - a.y())) / length;
        return distance <= EDGE_TOLERANCE && along >= -EDGE_TOLERANCE && along <= length + EDGE_TOLERANCE;
    }
}
