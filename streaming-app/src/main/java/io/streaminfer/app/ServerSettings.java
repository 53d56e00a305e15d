package io.streaminfer.app;

import io.streaminfer.core.StreamConfig;

import java.time.Duration;
import java.util.Objects;

/**
 * Everything the standalone server is configured with.
 *
 * @param host          the address to bind
 * @param port          the port to bind, 0 for any free port
 * @param workers       threads that run pipelines
 * @param stream        the engine's settings
 * @param delay         how long the {@code delay} pipelines hold a frame
 * @param shutdownGrace how long a stop waits for in-flight frames
 */
public record ServerSettings(String host, int port, int workers, StreamConfig stream, Duration delay, Duration shutdownGrace) {

    /** Validates the values. */
    public ServerSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(delay, "delay");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
    }

    /**
     * @return this with another port
     * @param newPort the port
     */
    public ServerSettings withPort(int newPort) {
        return new ServerSettings(host, newPort, workers, stream, delay, shutdownGrace);
    }
}
