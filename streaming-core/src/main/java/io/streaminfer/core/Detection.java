package io.streaminfer.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One thing found in a frame, in the shape every pipeline shares so that one overlay can draw
 * any of them: a box in pixels of the received frame, a label and a score.
 *
 * @param x      left edge in pixels
 * @param y      top edge in pixels
 * @param w      width in pixels, not negative
 * @param h      height in pixels, not negative
 * @param label  what was found ({@code face}, {@code text}, {@code qr}...), never {@literal null}
 * @param score  confidence between 0 and 1
 * @param extras step-specific keys such as {@code text}; JSON-shaped values; never {@literal null}
 */
public record Detection(int x, int y, int w, int h, String label, double score, Map<String, Object> extras) {

    /** Validates and copies the values. */
    public Detection {
        Objects.requireNonNull(label, "label");
        if (w < 0 || h < 0) {
            throw new IllegalArgumentException("a detection box cannot have a negative size: " + w + "x" + h);
        }
        if (!(score >= 0.0 && score <= 1.0)) {
            throw new IllegalArgumentException("score must be between 0 and 1, got " + score);
        }
        extras = Map.copyOf(Objects.requireNonNull(extras, "extras"));
    }

    /**
     * A detection without extra keys.
     *
     * @param x     left edge in pixels
     * @param y     top edge in pixels
     * @param w     width in pixels
     * @param h     height in pixels
     * @param label what was found
     * @param score confidence between 0 and 1
     */
    public Detection(int x, int y, int w, int h, String label, double score) {
        this(x, y, w, h, label, score, Map.of());
    }

    /**
     * @return the detection as a JSON-shaped map: {@code x, y, w, h, label, score}, then the extras
     */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("x", x);
        map.put("y", y);
        map.put("w", w);
        map.put("h", h);
        map.put("label", label);
        map.put("score", score);
        extras.forEach(map::putIfAbsent);
        return map;
    }
}
