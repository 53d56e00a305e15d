package io.streaminfer.pipeline;

import java.time.Duration;
import java.util.Objects;

/**
 * Server-wide defaults that steps fall back to when a pipelines file does not set them.
 *
 * @param defaultDelay what {@code delay} steps hold a frame for unless they set {@code ms}
 */
public record PipelineOptions(Duration defaultDelay) {

    /** Validates the values. */
    public PipelineOptions {
        Objects.requireNonNull(defaultDelay, "defaultDelay");
    }

    /** @return a 50 ms default delay */
    public static PipelineOptions ofDefaults() {
        return new PipelineOptions(Duration.ofMillis(50));
    }
}
