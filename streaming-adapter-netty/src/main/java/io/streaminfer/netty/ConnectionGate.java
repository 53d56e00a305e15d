package io.streaminfer.netty;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;
import io.streaminfer.protocol.ConnectionLimits;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The first handler of every connection of the standalone server: who may hold connections is
 * {@link ConnectionLimits}' (an address past its cap of connections not yet upgraded loses its
 * oldest one; at the connection cap a newcomer replaces the oldest not yet upgraded of the address
 * holding the most, and is closed at once only when every connection is a WebSocket), and a
 * connection that is not a WebSocket when the handshake timeout passes is closed, plain HTTP and
 * slowloris included.
 */
@ChannelHandler.Sharable
final class ConnectionGate extends ChannelInboundHandlerAdapter {

    private static final AttributeKey<ScheduledFuture<?>> DEADLINE = AttributeKey.valueOf(ConnectionGate.class, "deadline");
    private static final AttributeKey<ConnectionLimits.Ticket> TICKET = AttributeKey.valueOf(ConnectionGate.class, "ticket");

    private final ConnectionLimits limits;
    private final Duration handshakeTimeout;

    ConnectionGate(int maxConnections, int maxPendingPerAddress, Duration handshakeTimeout) {
        this.limits = new ConnectionLimits(maxConnections, maxPendingPerAddress);
        this.handshakeTimeout = handshakeTimeout;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        Channel channel = ctx.channel();
        ConnectionLimits.Decision decision = limits.admit(ConnectionLimits.addressOf(channel.remoteAddress()), channel::close);
        decision.closeEvicted();
        if (decision.refused()) {
            ctx.close();
            return;
        }
        channel.attr(TICKET).set(decision.admitted());
        channel.attr(DEADLINE).set(ctx.executor().schedule(() -> {
            ctx.close(); // still not a WebSocket: the handshake timed out
        }, handshakeTimeout.toMillis(), TimeUnit.MILLISECONDS));
        ctx.fireChannelActive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == StreamWebSocketHandler.UPGRADED) {
            cancelDeadline(ctx);
            ConnectionLimits.Ticket ticket = ctx.channel().attr(TICKET).get();
            if (ticket != null) {
                ticket.upgraded();
            }
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelDeadline(ctx);
        ConnectionLimits.Ticket ticket = ctx.channel().attr(TICKET).getAndSet(null);
        if (ticket != null) {
            ticket.closed();
        }
        ctx.fireChannelInactive();
    }

    private static void cancelDeadline(ChannelHandlerContext ctx) {
        ScheduledFuture<?> deadline = ctx.channel().attr(DEADLINE).getAndSet(null);
        if (deadline != null) {
            deadline.cancel(false);
        }
    }

    /** @return connections open now */
    int open() {
        return limits.open();
    }
}
