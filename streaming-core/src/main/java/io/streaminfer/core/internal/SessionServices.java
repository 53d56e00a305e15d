package io.streaminfer.core.internal;

import io.streaminfer.core.Clock;
import io.streaminfer.core.FrameValidator;
import io.streaminfer.core.MemoryBudget;
import io.streaminfer.core.StreamConfig;
import io.streaminfer.core.StreamListener;

import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * What every session of one engine shares.
 *
 * @param config    the engine's settings
 * @param clock     the time source
 * @param listener  the metrics port (never throws: the engine isolates it)
 * @param validator the frame validator
 * @param workers   the shared worker pool that runs pipelines
 * @param watch     every frame running in a pipeline, for the timeout
 * @param memory    the bytes of frames held across all sessions
 * @param onEnded   told once when a session ends, to forget it
 */
public record SessionServices(
        StreamConfig config,
        Clock clock,
        StreamListener listener,
        FrameValidator validator,
        Executor workers,
        PipelineWatch watch,
        MemoryBudget memory,
        Consumer<EngineSession> onEnded) {
}
