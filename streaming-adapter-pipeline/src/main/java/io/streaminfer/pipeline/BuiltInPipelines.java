package io.streaminfer.pipeline;

import io.streaminfer.core.FrameProcessor;
import io.streaminfer.core.PipelineRegistry;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The pipelines built into the server, as a {@link PipelineRegistry} built from code:
 * {@code noop} (header only), {@code delay} (waits a fixed time per frame) and
 * {@code delay_cpu} (burns CPU for that time).
 */
public final class BuiltInPipelines {

    /** The delay of the {@code delay} pipeline unless configured. */
    public static final Duration DEFAULT_DELAY = Duration.ofMillis(50);

    private BuiltInPipelines() {
    }

    /**
     * @param delay how long the {@code delay} and {@code delay_cpu} pipelines hold each frame
     * @return a registry of the built-in pipelines, never {@literal null}
     */
    public static PipelineRegistry registry(Duration delay) {
        Map<String, Supplier<FrameProcessor>> pipelines = new LinkedHashMap<>();
        pipelines.put("noop", NoopStep::new);
        pipelines.put("delay", () -> new DelayStep(delay, DelayStep.Mode.SLEEP));
        pipelines.put("delay_cpu", () -> new DelayStep(delay, DelayStep.Mode.CPU));
        return PipelineRegistry.of(pipelines);
    }
}
