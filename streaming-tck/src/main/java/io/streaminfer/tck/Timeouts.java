package io.streaminfer.tck;

import java.time.Duration;

/**
 * Timeouts shared by the kits: generous, because they bound failures, not speed. No kit test
 * passes or fails on how fast a server is; a server slower than these is a failed test.
 */
public final class Timeouts {

    /** Waiting for one answer from a server. */
    public static final Duration ANSWER = Duration.ofSeconds(10);

    /** Opening a WebSocket connection. */
    public static final Duration CONNECT = Duration.ofSeconds(10);

    /** Waiting for a close after an error. */
    public static final Duration CLOSE = Duration.ofSeconds(10);

    /**
     * How long the {@code delay} pipeline holds each frame in the lifecycle tests, so that a frame
     * is surely in the pipeline while the kit stops the server and tries a handshake.
     */
    public static final Duration HELD_FRAME = Duration.ofSeconds(4);

    /** The grace period the kit stops servers with: longer than {@link #HELD_FRAME}. */
    public static final Duration STOP_GRACE = Duration.ofSeconds(20);

    /**
     * How long a client that never reads may go on sending before the server must have cut it
     * (the slow-consumer test); in practice the cut comes within seconds.
     */
    public static final Duration SLOW_CONSUMER_CUT = Duration.ofSeconds(60);

    private Timeouts() {
    }
}
