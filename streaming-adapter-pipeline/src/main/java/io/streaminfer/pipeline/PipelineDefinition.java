package io.streaminfer.pipeline;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A pipeline as a file defines it.
 *
 * @param id                the pipeline id
 * @param stepNames         the step types, in order
 * @param keys              the key of each step in results (its name, suffixed when repeated)
 * @param steps             per-session instance makers, one per step
 * @param unavailableReason why it cannot run here, or {@literal null}
 * @param zones             the zone and line names of its {@code zones} steps, with the event types
 *                          each can produce (for the metrics, declared at load)
 * @param tracks            whether it has a {@code track} step
 * @param sinks             where its events go, as the file configures them (checked)
 */
record PipelineDefinition(String id, List<String> stepNames, List<String> keys, List<Function<StepScope, Step>> steps,
                          String unavailableReason, Map<String, List<String>> zones, boolean tracks,
                          List<Map<String, Object>> sinks) {

    PipelineDefinition {
        stepNames = List.copyOf(stepNames);
        keys = List.copyOf(keys);
        steps = List.copyOf(steps);
        zones = Map.copyOf(zones);
        sinks = List.copyOf(sinks);
    }
}
