package io.streaminfer.netty;

import io.streaminfer.protocol.LogRepeats;
import io.streaminfer.core.Clock;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * How the Netty runtime logs an exception a connection raised, so that clients cannot flood the
 * log: what the peer caused (a reset, a broken pipe, a timeout, a channel it already closed) at
 * DEBUG, since a client that hangs up abruptly is no news for an operator (2,000 resets wrote
 * 886 KB of stack traces through Netty's own "reached at the tail" warning); anything else as one
 * WARNING line without a stack trace (the trace at DEBUG), at most one a minute per kind of
 * exception, the next one saying how many were left out. Thread-safe.
 */
final class ConnectionErrorLog {

    /** The log every connection of the process shares, so that the limit holds across connections. */
    static final ConnectionErrorLog SHARED = new ConnectionErrorLog(Clock.system(),
            System.getLogger(ConnectionErrorLog.class.getName()));

    /** How often a kind of exception is logged at most. */
    static final long REPEAT_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final int MAX_KINDS = 100;
    private static final int MAX_MESSAGE = 160;
    /** What operating systems and Netty's native transport say when the peer ended the connection. */
    private static final String[] PEER_ERRORS = {"reset", "broken pipe", "connection aborted", "forcibly closed",
            "timed out", "timeout"};

    private final Clock clock;
    private final System.Logger log;
    private final Map<String, LogRepeats> repeats = new ConcurrentHashMap<>();

    /**
     * @param clock when repeats are counted
     * @param log   where the lines go
     */
    ConnectionErrorLog(Clock clock, System.Logger log) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.log = Objects.requireNonNull(log, "log");
    }

    /** @param cause what a connection raised; the caller closes the connection */
    void caught(Throwable cause) {
        if (peerCaused(cause)) {
            log.log(Level.DEBUG, () -> "connection ended by the client: " + describe(cause));
            return;
        }
        log.log(Level.DEBUG, "connection error", cause);
        if (repeats.size() >= MAX_KINDS) {
            repeats.clear(); // so many kinds are rare; forgetting them only lets one more of each through
        }
        long left = repeats.computeIfAbsent(cause.getClass().getName(), kind -> new LogRepeats(REPEAT_NANOS))
                .admit(clock.nanoTime());
        if (left >= 0) {
            log.log(Level.WARNING, "connection_error: " + describe(cause) + "; the connection is closed"
                    + (left > 0 ? " (" + left + " more like this in the last minute were not logged)" : ""));
        }
    }

    /**
     * @param cause what a connection raised
     * @return whether it says the peer ended or broke the connection
     */
    static boolean peerCaused(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ClosedChannelException) {
                return true;
            }
            if (t instanceof IOException && t.getMessage() != null) {
                String message = t.getMessage().toLowerCase(Locale.ROOT);
                for (String peer : PEER_ERRORS) {
                    if (message.contains(peer)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** The exception's simple class name and the first line of its message, cut short. */
    private static String describe(Throwable cause) {
        String message = cause.getMessage() == null ? "" : cause.getMessage().lines().findFirst().orElse("");
        if (message.length() > MAX_MESSAGE) {
            message = message.substring(0, MAX_MESSAGE) + "...";
        }
        return cause.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
    }
}
