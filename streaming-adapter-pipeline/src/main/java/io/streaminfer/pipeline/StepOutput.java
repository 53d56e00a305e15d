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
 * @param replaces   whether {@code detections} replace those of the steps before (which the step
 *                   annotated, as {@code track} adds {@code track_id}) instead of adding to them
 * @param top        fields for the top level of the result (as {@code zones}' {@code events} and
 *                   {@code counts}), after the steps' objects
 */
record StepOutput(Map<String, Object> fields, List<Detection> detections, Map<String, Long> phases, boolean replaces,
                  Map<String, Object> top) {

    StepOutput {
        fields = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fields));
        detections = List.copyOf(detections);
        phases = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(phases));
        top = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(top));
    }

    StepOutput(Map<String, Object> fields, List<Detection> detections, Map<String, Long> phases) {
        this(fields, detections, phases, false, Map.of());
    }

    StepOutput(Map<String, Object> fields, List<Detection> detections) {
        this(fields, detections, Map.of());
    }

    /** @return an output whose detections replace those found before it (annotated copies) */
    static StepOutput replacing(Map<String, Object> fields, List<Detection> annotated, Map<String, Object> top) {
        return new StepOutput(fields, annotated, Map.of(), true, top);
    }

    static StepOutput of(Map<String, Object> fields) {
        return new StepOutput(fields, List.of());
    }
}
