package io.streaminfer.pipeline;

import io.streaminfer.core.Detection;

import java.util.List;
import java.util.Map;

/**
 * What one step found: its own fields (the step's object in the result) and its detections.
 *
 * @param fields     JSON-shaped values, in order
 * @param detections boxes in frame pixels
 * @param phases     where the step's time went, in nanoseconds by phase name (e.g. {@code model}),
 *                   reported in the result's {@code timings_ms} as {@code <step>.<phase>}
 */
record StepOutput(Map<String, Object> fields, List<Detection> detections, Map<String, Long> phases) {

    StepOutput {
        fields = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fields));
        detections = List.copyOf(detections);
        phases = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(phases));
    }

    StepOutput(Map<String, Object> fields, List<Detection> detections) {
        this(fields, detections, Map.of());
    }

    static StepOutput of(Map<String, Object> fields) {
        return new StepOutput(fields, List.of());
    }
}
