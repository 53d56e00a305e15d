package io.streaminfer.protocol;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Who may hold the connections of a WebSocket port: the connection cap, and a cap per peer
 * address on connections that have not completed their WebSocket upgrade ("pending": idle
 * sockets, slowloris, plain HTTP). A runtime's connection gate asks {@link #admit} as each
 * connection is accepted, says {@link Ticket#upgraded()} once it is a WebSocket and
 * {@link Ticket#closed()} when it ends, and closes the connections each {@link Decision} names.
 *
 * <p>The rules, so that one address cannot keep everyone else out:
 * <ul>
 *   <li>an address holding {@code maxPendingPerAddress} pending connections that opens another
 *       loses its oldest pending one (the newest is the one likely to be a real handshake);</li>
 *   <li>at the connection cap, a new connection takes the place of the oldest pending connection of
 *       the address holding the most pending ones; only when every open connection is a WebSocket
 *       is the newcomer refused;</li>
 *   <li>a WebSocket is never closed here.</li>
 * </ul>
 * The address is the peer's as the socket sees it: forwarding headers are not read before a
 * handshake, so behind a proxy every connection shares the proxy's address (raise or turn off the
 * per-address cap there). Each rule, when it first bites, is logged at most once a minute.
 *
 * <p>Thread-safe: one lock, held for bookkeeping only; closing is the caller's, after
 * {@link #admit} returns ({@link Decision#closeEvicted()}).
 */
public final class ConnectionLimits {

    /** The default cap on pending connections per address. */
    public static final int DEFAULT_MAX_PENDING_PER_ADDRESS = 64;

    private static final System.Logger LOG = System.getLogger(ConnectionLimits.class.getName());
    private static final long LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final int maxConnections;
    private final int maxPendingPerAddress;
    private final Object lock = new Object();
    /** Pending connections by address, oldest first. */
    private final Map<String, LinkedHashSet<Ticket>> pending = new HashMap<>();
    /** Addresses by how many pending connections they hold, to find the one holding the most at once. */
    private final TreeMap<Integer, LinkedHashSet<String>> addressesByPending = new TreeMap<>();
    private int open;
    private long capLoggedNanos;
    private long addressLoggedNanos;
    private boolean capLogged;
    private boolean addressLogged;

    /**
     * @param maxConnections       connections open at once, WebSockets included, at least 1
     * @param maxPendingPerAddress pending connections one address may hold, 0 for no such cap
     */
    public ConnectionLimits(int maxConnections, int maxPendingPerAddress) {
        this.maxConnections = TransportDefaults.checkMaxConnections(maxConnections);
        this.maxPendingPerAddress = checkMaxPendingPerAddress(maxPendingPerAddress);
    }

    /**
     * The address a connection is counted under: its peer's as the socket sees it (forwarding
     * headers are not read before a handshake), the IP literal when there is one.
     *
     * @param peer the connection's remote socket address, possibly {@literal null}
     * @return its address as text, never {@literal null}
     */
    public static String addressOf(Object peer) {
        if (peer instanceof java.net.InetSocketAddress inet) {
            return inet.getAddress() == null ? inet.getHostString() : inet.getAddress().getHostAddress();
        }
        return String.valueOf(peer);
    }

    /**
     * The check every transport's builder applies to its per-address cap.
     *
     * @param connections pending connections one address may hold, 0 for no cap
     * @return the cap
     * @throws IllegalArgumentException when it is negative
     */
    public static int checkMaxPendingPerAddress(int connections) {
        if (connections < 0) {
            throw new IllegalArgumentException("maxPendingConnectionsPerAddress must be 0 (no cap) or more, got "
                    + connections);
        }
        return connections;
    }

    /**
     * A connection was accepted.
     *
     * @param address the peer's address as the socket sees it (no port)
     * @param close   closes that connection; run by {@link Decision#closeEvicted()} of a later admission
     * @return what to do: the connections to close (possibly none), and this one's ticket unless it
     *         is refused; never {@literal null}
     */
    public Decision admit(String address, Runnable close) {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(close, "close");
        List<Ticket> evicted = new ArrayList<>(1);
        Ticket admitted = null;
        boolean logAddress = false;
        boolean logCap = false;
        synchronized (lock) {
            LinkedHashSet<Ticket> own = pending.get(address);
            if (maxPendingPerAddress > 0 && own != null && own.size() >= maxPendingPerAddress) {
                evicted.add(evictOldest(address));
                logAddress = dueToLog(false);
            }
            if (open >= maxConnections) {
                heaviestAddress().map(this::evictOldest).ifPresent(evicted::add);
                logCap = dueToLog(true);
            }
            if (open < maxConnections) {
                admitted = new Ticket(address, close);
                open++;
                addPending(admitted);
            }
        }
        if (logAddress) {
            LOG.log(Level.WARNING, "pending_connections_per_address_reached: " + address + " holds "
                    + maxPendingPerAddress + " connections that are not yet WebSockets; each new one replaces its"
                    + " oldest (logged at most once a minute; behind a proxy every client has the proxy's address:"
                    + " raise STREAM_MAX_PENDING_CONNECTIONS_PER_ADDRESS or set it to 0)");
        }
        if (logCap) {
            LOG.log(Level.WARNING, "connection_limit_reached: " + maxConnections + " connections are open; each new"
                    + " one replaces the oldest connection not yet a WebSocket of the address holding the most, and is"
                    + " closed at once when all are WebSockets (logged at most once a minute)");
        }
        return new Decision(admitted, List.copyOf(evicted));
    }

    /**
     * For a runtime whose own cap holds newcomers back instead (Jetty stops accepting, and they wait
     * in the kernel's backlog): closes the oldest connection not yet a WebSocket of the address
     * holding the most, so the next one in the backlog gets its place.
     *
     * @return whether there was such a connection
     */
    public boolean evictOnePending() {
        Ticket victim;
        synchronized (lock) {
            victim = heaviestAddress().map(this::evictOldest).orElse(null);
        }
        if (victim == null) {
            return false;
        }
        victim.close();
        return true;
    }

    /** @return connections open now, WebSockets included */
    public int open() {
        synchronized (lock) {
            return open;
        }
    }

    /**
     * @param address a peer address
     * @return its connections that have not completed a WebSocket upgrade
     */
    public int pending(String address) {
        synchronized (lock) {
            LinkedHashSet<Ticket> own = pending.get(address);
            return own == null ? 0 : own.size();
        }
    }

    private Optional<String> heaviestAddress() {
        Map.Entry<Integer, LinkedHashSet<String>> most = addressesByPending.lastEntry();
        return most == null ? Optional.empty() : Optional.of(most.getValue().iterator().next());
    }

    /** Under the lock: the address's oldest pending connection leaves the books; the caller closes it. */
    private Ticket evictOldest(String address) {
        Iterator<Ticket> oldest = pending.get(address).iterator();
        Ticket victim = oldest.next();
        release(victim);
        return victim;
    }

    private void addPending(Ticket ticket) {
        LinkedHashSet<Ticket> own = pending.computeIfAbsent(ticket.address, a -> new LinkedHashSet<>());
        moveAddress(ticket.address, own.size(), own.size() + 1);
        own.add(ticket);
    }

    /** Under the lock: the ticket is no longer pending; whether it still counts as open is the caller's. */
    private void removePending(Ticket ticket) {
        LinkedHashSet<Ticket> own = pending.get(ticket.address);
        if (own != null && own.remove(ticket)) {
            moveAddress(ticket.address, own.size() + 1, own.size());
            if (own.isEmpty()) {
                pending.remove(ticket.address);
            }
        }
        ticket.pending = false;
    }

    private void release(Ticket ticket) {
        if (!ticket.released) {
            ticket.released = true;
            removePending(ticket);
            open--;
        }
    }

    private void moveAddress(String address, int from, int to) {
        if (from > 0) {
            LinkedHashSet<String> bucket = addressesByPending.get(from);
            bucket.remove(address);
            if (bucket.isEmpty()) {
                addressesByPending.remove(from);
            }
        }
        if (to > 0) {
            addressesByPending.computeIfAbsent(to, n -> new LinkedHashSet<>()).add(address);
        }
    }

    /** Under the lock: whether a rule that bit is to be logged now (at most once a minute each). */
    private boolean dueToLog(boolean cap) {
        long now = System.nanoTime();
        if (cap ? capLogged && now - capLoggedNanos < LOG_INTERVAL_NANOS
                : addressLogged && now - addressLoggedNanos < LOG_INTERVAL_NANOS) {
            return false;
        }
        if (cap) {
            capLogged = true;
            capLoggedNanos = now;
        } else {
            addressLogged = true;
            addressLoggedNanos = now;
        }
        return true;
    }

    /**
     * One admitted connection's place in the books.
     */
    public final class Ticket {

        private final String address;
        private final Runnable close;
        private boolean pending = true;
        private boolean released;

        private Ticket(String address, Runnable close) {
            this.address = address;
            this.close = close;
        }

        /** The connection is a WebSocket now: it still counts against the cap, and is never evicted. */
        public void upgraded() {
            synchronized (lock) {
                if (pending) {
                    removePending(this);
                }
            }
        }

        /** The connection ended, however (idempotent; nothing happens for one already evicted). */
        public void closed() {
            synchronized (lock) {
                release(this);
            }
        }

        private void close() {
            close.run();
        }
    }

    /**
     * What the gate does with a new connection.
     *
     * @param admitted the new connection's ticket, or {@literal null} when it is refused (close it at once)
     * @param evicted  pending connections that lost their place: close them ({@link #closeEvicted()})
     */
    public record Decision(Ticket admitted, List<Ticket> evicted) {

        /** @return whether the new connection is refused: every connection open is a WebSocket */
        public boolean refused() {
            return admitted == null;
        }

        /** Closes the evicted connections; call it outside any lock of the caller's. */
        public void closeEvicted() {
            for (Ticket ticket : evicted) {
                ticket.close();
            }
        }
    }
}
