package io.streaminfer.sinks;

import java.time.Duration;

/**
 * Timeouts shared by the sink tests: generous, because they bound failures, not speed. No test
 * passes or fails on how fast a broker or endpoint is.
 */
final class SinkTimeouts {

    /** A broker or receiver starting and accepting connections. */
    static final Duration START = Duration.ofSeconds(15);

    /** Events reaching a subscriber or receiver, counters reaching a value. */
    static final Duration DELIVERY = Duration.ofSeconds(30);

    /**
     * The backoff the integration tests give their sinks (the default is 0.5 s to 30 s): short,
     * so a sink reconnects soon after a restart, and the tests still wait on what they observe.
     */
    static final Backoff FAST_BACKOFF = new Backoff(Duration.ofMillis(20), Duration.ofMillis(300));

    private SinkTimeouts() {
    }
}
