package io.streaminfer.app;

import java.time.Duration;

/** The WebSocket server that hosts the stream endpoint: Tyrus (the default), Jetty or Netty. */
interface StreamTransport {

    /** @return the bound port */
    int port();

    /**
     * Stops: the engine answers what is in flight and closes every session with 1001, then the
     * listener stops.
     *
     * @param grace how long in-flight frames may take
     * @return whether every session ended within the grace period
     */
    boolean stop(Duration grace);
}
