package io.streaminfer.tyrus;

import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.Grizzly;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.filterchain.TransportFilter;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.NetworkListener;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds what connections that never become WebSockets can hold (Grizzly keeps a silent or
 * slowly-sending connection forever: its keep-alive idle timeout is off so WebSockets are not
 * cut). A connection that has not completed its WebSocket upgrade within the handshake timeout
 * is closed, plain HTTP ones included; beyond the connection cap a new connection is closed at
 * once, so the process keeps file descriptors for everyone else. Reaching the cap is logged once
 * until the count falls back under nine tenths of it.
 */
final class ConnectionGuard extends BaseFilter {

    private static final System.Logger LOG = System.getLogger(ConnectionGuard.class.getName());
    private static final Attribute<ScheduledFuture<?>> DEADLINE =
            Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(ConnectionGuard.class.getName() + ".deadline");

    private final Duration handshakeTimeout;
    private final int maxConnections;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicBoolean atCap = new AtomicBoolean();

    ConnectionGuard(Duration handshakeTimeout, int maxConnections) {
        this.handshakeTimeout = handshakeTimeout;
        this.maxConnections = maxConnections;
    }

    /** An add-on that puts this filter right behind the transport, before HTTP parsing. */
    AddOn addOn() {
        return new AddOn() {
            @Override
            public void setup(NetworkListener listener, FilterChainBuilder builder) {
                builder.add(builder.indexOfType(TransportFilter.class) + 1, ConnectionGuard.this);
            }
        };
    }

    /** Marks a connection as upgraded: its handshake deadline no longer applies. */
    static void upgraded(Connection<?> connection) {
        if (connection != null) {
            ScheduledFuture<?> deadline = DEADLINE.remove(connection);
            if (deadline != null) {
                deadline.cancel(false);
            }
        }
    }

    /** @return connections open now */
    int openConnections() {
        return open.get();
    }

    @Override
    public NextAction handleAccept(FilterChainContext ctx) throws IOException {
        Connection<?> connection = ctx.getConnection();
        int count = open.incrementAndGet();
        connection.addCloseListener((closeable, type) -> released());
        if (count > maxConnections) {
            if (atCap.compareAndSet(false, true)) {
                LOG.log(Level.WARNING, "connection_limit_reached: " + maxConnections + " connections are open;"
                        + " new connections are closed until some end (this is logged once)");
            }
            connection.closeSilently();
            return ctx.getStopAction();
        }
        DEADLINE.set(connection, StalledCloseGuard.TIMER.schedule(() -> {
            if (DEADLINE.remove(connection) != null) {
                connection.closeSilently(); // no WebSocket within the handshake timeout
            }
        }, handshakeTimeout.toMillis(), TimeUnit.MILLISECONDS));
        return ctx.getInvokeAction();
    }

    private void released() {
        if (open.decrementAndGet() < maxConnections * 9L / 10 && atCap.compareAndSet(true, false)) {
            LOG.log(Level.INFO, "connection_limit_cleared: new connections are accepted again");
        }
    }
}
