package io.streaminfer.tyrus;

import io.streaminfer.protocol.ConnectionLimits;
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
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Bounds what connections that never become WebSockets can hold (Grizzly keeps a silent or
 * slowly-sending connection forever: its keep-alive idle timeout is off so WebSockets are not
 * cut). A connection that has not completed its WebSocket upgrade within the handshake timeout
 * is closed, plain HTTP ones included. Who may hold connections is {@link ConnectionLimits}': an
 * address past its cap of connections not yet upgraded loses its oldest one, at the connection cap
 * a newcomer replaces the oldest not yet upgraded of the address holding the most, and only when
 * every connection is a WebSocket is a new connection closed at once, so one address cannot keep
 * everyone else out and the process keeps file descriptors for everyone else.
 */
final class ConnectionGuard extends BaseFilter {

    private static final Attribute<ScheduledFuture<?>> DEADLINE =
            Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(ConnectionGuard.class.getName() + ".deadline");
    private static final Attribute<ConnectionLimits.Ticket> TICKET =
            Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(ConnectionGuard.class.getName() + ".ticket");

    private final Duration handshakeTimeout;
    private final ConnectionLimits limits;

    ConnectionGuard(Duration handshakeTimeout, int maxConnections, int maxPendingPerAddress) {
        this.handshakeTimeout = handshakeTimeout;
        this.limits = new ConnectionLimits(maxConnections, maxPendingPerAddress);
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

    /** Marks a connection as upgraded: its handshake deadline no longer applies, and it is never evicted. */
    static void upgraded(Connection<?> connection) {
        if (connection != null) {
            ScheduledFuture<?> deadline = DEADLINE.remove(connection);
            if (deadline != null) {
                deadline.cancel(false);
            }
            ConnectionLimits.Ticket ticket = TICKET.get(connection);
            if (ticket != null) {
                ticket.upgraded();
            }
        }
    }

    /** @return connections open now */
    int openConnections() {
        return limits.open();
    }

    @Override
    public NextAction handleAccept(FilterChainContext ctx) throws IOException {
        Connection<?> connection = ctx.getConnection();
        ConnectionLimits.Decision decision = limits.admit(ConnectionLimits.addressOf(connection.getPeerAddress()), connection::closeSilently);
        decision.closeEvicted();
        if (decision.refused()) {
            connection.closeSilently();
            return ctx.getStopAction();
        }
        ConnectionLimits.Ticket ticket = decision.admitted();
        TICKET.set(connection, ticket);
        connection.addCloseListener((closeable, type) -> ticket.closed());
        DEADLINE.set(connection, StalledCloseGuard.TIMER.schedule(() -> {
            if (DEADLINE.remove(connection) != null) {
                connection.closeSilently(); // no WebSocket within the handshake timeout
            }
        }, handshakeTimeout.toMillis(), TimeUnit.MILLISECONDS));
        return ctx.getInvokeAction();
    }
}
