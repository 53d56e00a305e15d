package io.streaminfer.tck;

import java.net.URI;
import java.time.Duration;

/**
 * A server started by a {@link StreamingProtocolCompatibilityKit} subclass for one
 * {@link KitSettings}: where its stream endpoint is, and how to stop it gracefully. The kit
 * stops or closes every server it starts, once its tests are done with it.
 */
public interface ServerUnderTest extends AutoCloseable {

    /**
     * @return the stream endpoint without a query, like {@code ws://127.0.0.1:41234/ws/video/stream};
     *         never {@literal null}
     */
    URI streamUri();

    /**
     * Stops gracefully, as the server's own shutdown does: new handshakes are refused while it
     * drains (HTTP 503 with {@code Retry-After}, or the {@link HostVariants} a host declares),
     * frames in a pipeline get their results, waiting frames are answered as dropped, every
     * session is closed with 1001, then the listener stops. Returns once stopped. The kit may call
     * it from another thread than the one that started the server; it calls it at most once.
     *
     * @param grace how long in-flight frames may take
     * @throws Exception when the server could not be stopped
     */
    void stop(Duration grace) throws Exception;

    /**
     * Stops with {@link Timeouts#STOP_GRACE}; does nothing when already stopped.
     *
     * @throws Exception when the server could not be stopped
     */
    @Override
    void close() throws Exception;

    /** How a host stops its server gracefully (see {@link #stop(Duration)}). */
    @FunctionalInterface
    interface Stop {
        /**
         * @param grace how long in-flight frames may take
         * @throws Exception when the server could not be stopped
         */
        void stop(Duration grace) throws Exception;
    }

    /**
     * The usual shape of a host: a fixed endpoint and a graceful stop, called at most once
     * ({@link #close()} stops with {@link Timeouts#STOP_GRACE} unless already stopped).
     *
     * @param streamUri the stream endpoint, read once at start
     * @param stop      the host's graceful stop
     * @return the server as the kit drives it, never {@literal null}
     */
    static ServerUnderTest of(URI streamUri, Stop stop) {
        return new ServerUnderTest() {
            private boolean stopped;

            @Override
            public URI streamUri() {
                return streamUri;
            }

            @Override
            public synchronized void stop(Duration grace) throws Exception {
                if (!stopped) {
                    stopped = true;
                    stop.stop(grace);
                }
            }

            @Override
            public void close() throws Exception {
                stop(Timeouts.STOP_GRACE);
            }
        };
    }
}
