package io.streaminfer.protocol;

import java.time.Duration;

/**
 * A running transport that serves the stream endpoint on a port (Tyrus, Jetty, Netty...): what a
 * composition root needs to know of it. Thread-safe.
 */
public interface TransportServer extends AutoCloseable {

    /** @return the bound port */
    int port();

    /**
     * Stops: new handshakes are refused (503 where the transport can), the engine answers what is
     * in flight and closes every session with 1001, then the listener stops.
     *
     * @param grace how long in-flight frames may take
     * @return whether every session ended within the grace period
     */
    boolean stop(Duration grace);

    /** Stops with 10 seconds of grace. */
    @Override
    default void close() {
        stop(Duration.ofSeconds(10));
    }
}
