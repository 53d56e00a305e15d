package io.streaminfer.core.internal;

import io.streaminfer.core.BackpressurePolicy;
import io.streaminfer.core.Clock;
import io.streaminfer.core.FrameValidator;
import io.streaminfer.core.StreamConfig;
import io.streaminfer.core.StreamListener;

import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * What every session of one engine shares.
 *
 * @param config    the engine's settings
 * @param clock     the time source
 * @param listener  the metrics port
 * @param validator the frame validator
 * @param policy    the backpressure policy
 * @param workers   the shared worker pool that runs pipelines
 * @param onEnded   told once when a session ends, to forget it
 */
public record SessionServices(
        StreamConfig config,
        Clock clock,
        StreamListener listener,
        FrameValidator validator,
        BackpressurePolicy policy,
        Executor workers,
        Consumer<EngineSession> onEnded) {
}
