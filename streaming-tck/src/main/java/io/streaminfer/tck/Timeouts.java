package io.streaminfer.tck;

import java.time.Duration;

/** Timeouts shared by the kits: generous, because they bound failures, not speed. */
public final class Timeouts {

    /** Waiting for one answer from a server. */
    public static final Duration ANSWER = Duration.ofSeconds(10);

    /** Opening a WebSocket connection. */
    public static final Duration CONNECT = Duration.ofSeconds(10);

    /** Waiting for a close after an error. */
    public static final Duration CLOSE = Duration.ofSeconds(10);

    private Timeouts() {
    }
}
