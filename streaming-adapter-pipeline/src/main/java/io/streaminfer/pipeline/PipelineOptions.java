package io.streaminfer.pipeline;

import io.streaminfer.core.FrameValidator;

import java.time.Duration;
import java.util.Objects;

/**
 * Server-wide defaults that steps fall back to when a pipelines file does not set them, and
 * the limits of decoding.
 *
 * @param defaultDelay   what {@code delay} steps hold a frame for unless they set {@code ms}
 * @param maxFramePixels the most pixels (width x height, read from the JPEG header) a frame may
 *                       have to be decoded; a larger one fails with {@code pipeline_failure}
 *                       before any decoding. Give it the same value as the engine's validator
 *                       ({@link FrameValidator#jpeg(long, long)}), which refuses such frames first.
 * @param models         where models named in pipelines files are, and the threads of one model run
 */
public record PipelineOptions(Duration defaultDelay, long maxFramePixels, ModelOptions models) {

    /** Validates the values. */
    public PipelineOptions {
        Objects.requireNonNull(defaultDelay, "defaultDelay");
        Objects.requireNonNull(models, "models");
        if (maxFramePixels < 1) {
            throw new IllegalArgumentException("maxFramePixels must be at least 1, got " + maxFramePixels);
        }
    }

    /**
     * @param defaultDelay   what {@code delay} steps hold a frame for unless they set {@code ms}
     * @param maxFramePixels the most pixels a frame may have to be decoded
     *                       ({@link ModelOptions#defaults()} for the models)
     */
    public PipelineOptions(Duration defaultDelay, long maxFramePixels) {
        this(defaultDelay, maxFramePixels, ModelOptions.defaults());
    }

    /**
     * @param defaultDelay what {@code delay} steps hold a frame for unless they set {@code ms};
     *                     the pixel limit is {@link FrameValidator#DEFAULT_MAX_FRAME_PIXELS}
     */
    public PipelineOptions(Duration defaultDelay) {
        this(defaultDelay, FrameValidator.DEFAULT_MAX_FRAME_PIXELS, ModelOptions.defaults());
    }

    /** @return a 50 ms default delay and the default pixel limit (4096 x 4096) */
    public static PipelineOptions ofDefaults() {
        return new PipelineOptions(Duration.ofMillis(50));
    }
}
