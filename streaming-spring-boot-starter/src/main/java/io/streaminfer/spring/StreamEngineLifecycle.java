package io.streaminfer.spring;

import io.streaminfer.core.StreamEngine;
import org.springframework.context.SmartLifecycle;

import java.time.Duration;

/**
 * Drains the engine when the application context closes, before the web server stops: new
 * handshakes get 503, frames in the pipeline are answered, waiting frames are answered as dropped,
 * and every session is closed with 1001. Its phase is above the web server's graceful shutdown,
 * so it stops first.
 */
final class StreamEngineLifecycle implements SmartLifecycle {

    private final StreamEngine engine;
    private final Duration grace;
    private volatile boolean running;

    StreamEngineLifecycle(StreamEngine engine, Duration grace) {
        this.engine = engine;
        this.grace = grace;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        engine.shutdown(grace);
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE; // above WebServerApplicationContext.GRACEFUL_SHUTDOWN_PHASE
    }
}
