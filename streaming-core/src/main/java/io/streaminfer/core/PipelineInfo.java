package io.streaminfer.core;

import java.util.List;
import java.util.Objects;

/**
 * What a registry knows about one pipeline.
 *
 * @param id                the {@code pipeline_id} clients connect with, never {@literal null}
 * @param steps             names of the steps, in order; never {@literal null}
 * @param unavailableReason why the pipeline cannot run here, or {@literal null} when it can
 */
public record PipelineInfo(String id, List<String> steps, String unavailableReason) {

    /** Validates and copies the values. */
    public PipelineInfo {
        Objects.requireNonNull(id, "id");
        steps = List.copyOf(steps);
    }

    /**
     * A pipeline that can run.
     *
     * @param id    the pipeline id
     * @param steps its steps
     * @return never {@literal null}
     */
    public static PipelineInfo available(String id, List<String> steps) {
        return new PipelineInfo(id, steps, null);
    }

    /**
     * @return whether clients can use this pipeline
     */
    public boolean available() {
        return unavailableReason == null;
    }
}
