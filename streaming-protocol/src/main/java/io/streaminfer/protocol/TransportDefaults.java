package io.streaminfer.protocol;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.time.Duration;

/** Defaults every runtime applies to connections before they become WebSocket sessions. */
public final class TransportDefaults {

    /** How long a connection may take to complete its WebSocket upgrade before it is closed. */
    public static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    /** The connection cap where the file descriptor limit cannot be read. */
    static final int FALLBACK_MAX_CONNECTIONS = 10_000;
    /** Descriptors kept for everything but connections: jar files, models, logs, the management port. */
    static final int DESCRIPTOR_RESERVE = 64;

    private TransportDefaults() {
    }

    /**
     * The default connection cap: 80 % of the process' file descriptor limit less a reserve, so
     * the server can still accept, log and load models when clients hold the rest; 10,000 where
     * the limit cannot be read.
     *
     * @return a cap of at least 16
     */
    public static int maxConnections() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix && unix.getMaxFileDescriptorCount() > 0) {
            long cap = unix.getMaxFileDescriptorCount() * 8 / 10 - DESCRIPTOR_RESERVE;
            return (int) Math.max(16, Math.min(Integer.MAX_VALUE, cap));
        }
        return FALLBACK_MAX_CONNECTIONS;
    }

    /**
     * The check every transport's builder applies to its handshake timeout.
     *
     * @param timeout how long a connection may take to become a WebSocket
     * @return the timeout
     * @throws IllegalArgumentException when it is not positive
     */
    public static Duration checkHandshakeTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("handshakeTimeout must be positive, got " + timeout);
        }
        return timeout;
    }

    /**
     * The check every transport's builder applies to its connection cap.
     *
     * @param connections connections open at once
     * @return the cap
     * @throws IllegalArgumentException when it is below 1
     */
    public static int checkMaxConnections(int connections) {
        if (connections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1, got " + connections);
        }
        return connections;
    }
}
