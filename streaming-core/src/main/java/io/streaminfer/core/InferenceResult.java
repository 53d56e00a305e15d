package io.streaminfer.core;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a pipeline found in one frame: a JSON-shaped tree of fields, kept free of any JSON
 * library so that the transport chooses the encoding.
 *
 * <p>Values are {@code null}, {@link String}, {@link Boolean}, finite {@link Number}s,
 * {@link List}s of values and {@link Map}s from {@link String} to values. The tree is
 * checked and copied when the result is built, so it is immutable and safe to hand to
 * another thread.
 */
public final class InferenceResult {

    /** The field that holds the detections of every step, in the shape of {@link Detection}. */
    public static final String DETECTIONS = "detections";

    private static final InferenceResult EMPTY = new InferenceResult(Map.of());

    private final Map<String, Object> fields;

    private InferenceResult(Map<String, Object> fields) {
        this.fields = fields;
    }

    /**
     * @return a result with no fields, never {@literal null}
     */
    public static InferenceResult empty() {
        return EMPTY;
    }

    /**
     * Builds a result from a JSON-shaped map.
     *
     * @param fields the top-level fields
     * @return never {@literal null}
     * @throws IllegalArgumentException when a value is not JSON-shaped (a NaN, an object of another type...)
     */
    public static InferenceResult of(Map<String, ?> fields) {
        return new InferenceResult(copyObject(fields, "result"));
    }

    /**
     * @return a builder for a result, never {@literal null}
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @return the top-level fields in insertion order; unmodifiable, never {@literal null}
     */
    public Map<String, Object> fields() {
        return fields;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof InferenceResult that && fields.equals(that.fields);
    }

    @Override
    public int hashCode() {
        return fields.hashCode();
    }

    @Override
    public String toString() {
        return "InferenceResult" + fields;
    }

    private static Map<String, Object> copyObject(Map<?, ?> map, String path) {
        Map<String, Object> copy = new LinkedHashMap<>(Math.max(4, map.size() * 2));
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (!(entry.getKey() instanceof String key)) {
                throw new IllegalArgumentException(path + " has a key that is not a string: " + entry.getKey());
            }
            copy.put(key, copyValue(entry.getValue(), path + "." + key));
        }
        return Collections.unmodifiableMap(copy);
    }

    private static Object copyValue(Object value, String path) {
        if (value == null || value instanceof String || value instanceof Boolean
                || value instanceof Integer || value instanceof Long || value instanceof Short
                || value instanceof Byte || value instanceof BigInteger || value instanceof BigDecimal) {
            return value;
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (!Double.isFinite(d)) {
                throw new IllegalArgumentException(path + " is not a finite number: " + d);
            }
            return value;
        }
        if (value instanceof Map<?, ?> map) {
            return copyObject(map, path);
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                copy.add(copyValue(list.get(i), path + "[" + i + "]"));
            }
            return Collections.unmodifiableList(copy);
        }
        if (value instanceof Detection detection) {
            return detection.toMap();
        }
        throw new IllegalArgumentException(path + " has a value that JSON cannot carry: " + value.getClass().getSimpleName());
    }

    /** Collects fields and detections; not thread-safe. */
    public static final class Builder {

        private final Map<String, Object> fields = new LinkedHashMap<>();
        private final List<Object> detections = new ArrayList<>();

        private Builder() {
        }

        /**
         * Sets a top-level field.
         *
         * @param name  the field name, not {@value InferenceResult#DETECTIONS}
         * @param value a JSON-shaped value
         * @return this builder
         */
        public Builder put(String name, Object value) {
            Objects.requireNonNull(name, "name");
            if (DETECTIONS.equals(name)) {
                throw new IllegalArgumentException("add detections with addDetection, not put");
            }
            fields.put(name, value);
            return this;
        }

        /**
         * Appends a detection to the {@value InferenceResult#DETECTIONS} list.
         *
         * @param detection the detection
         * @return this builder
         */
        public Builder addDetection(Detection detection) {
            detections.add(Objects.requireNonNull(detection, "detection"));
            return this;
        }

        /**
         * @return the result; the {@value InferenceResult#DETECTIONS} field is present only when
         *         detections were added
         */
        public InferenceResult build() {
            Map<String, Object> all = new LinkedHashMap<>();
            if (!detections.isEmpty()) {
                all.put(DETECTIONS, detections);
            }
            all.putAll(fields);
            return InferenceResult.of(all);
        }
    }
}
