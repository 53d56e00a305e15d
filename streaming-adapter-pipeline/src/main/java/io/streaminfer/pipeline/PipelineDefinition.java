package io.streaminfer.pipeline;

import java.util.List;
import java.util.function.Supplier;

/**
 * A pipeline as a file defines it.
 *
 * @param id                the pipeline id
 * @param stepNames         the step types, in order
 * @param keys              the key of each step in results (its name, suffixed when repeated)
 * @param steps             per-session instance suppliers, one per step
 * @param unavailableReason why it cannot run here, or {@literal null}
 */
record PipelineDefinition(String id, List<String> stepNames, List<String> keys, List<Supplier<Step>> steps,
                          String unavailableReason) {

    PipelineDefinition {
        stepNames = List.copyOf(stepNames);
        keys = List.copyOf(keys);
        steps = List.copyOf(steps);
    }
}
