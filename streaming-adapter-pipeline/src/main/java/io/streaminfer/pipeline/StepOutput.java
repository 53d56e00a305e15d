package io.streaminfer.pipeline;

import io.streaminfer.core.Detection;

import java.util.List;
import java.util.Map;

/**
 * What one step found: its own fields (the step's object in the result) and its detections.
 *
 * @param fields     JSON-shaped values, in order
 * @param detections boxes in frame pixels
 */
record StepOutput(Map<String, Object> fields, List<Detection> detections) {

    StepOutput {
        fields = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fields));
        detections = List.copyOf(detections);
    }

    static StepOutput of(Map<String, Object> fields) {
        return new StepOutput(fields, List.of());
    }
}
