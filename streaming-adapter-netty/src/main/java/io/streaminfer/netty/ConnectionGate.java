package io.streaminfer.netty;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The first handler of every connection of the standalone server: beyond the connection cap a new
 * connection is closed at once (logged at most once a minute), and a connection that is not a
 * WebSocket when the handshake timeout passes is closed, plain HTTP and slowloris included.
 */
@ChannelHandler.Sharable
final class ConnectionGate extends ChannelInboundHandlerAdapter {

    private static final System.Logger LOG = System.getLogger(ConnectionGate.class.getName());
    private static final long LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final AttributeKey<ScheduledFuture<?>> DEADLINE = AttributeKey.valueOf(ConnectionGate.class, "deadline");
    private static final AttributeKey<Boolean> COUNTED = AttributeKey.valueOf(ConnectionGate.class, "counted");

    private final int maxConnections;
    private final Duration handshakeTimeout;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong lastLoggedNanos = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);

    ConnectionGate(int maxConnections, Duration handshakeTimeout) {
        this.maxConnections = maxConnections;
        this.handshakeTimeout = handshakeTimeout;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.channel().attr(COUNTED).set(Boolean.TRUE);
        if (open.incrementAndGet() > maxConnections) {
            logLimit();
            ctx.close();
            return;
        }
        ctx.channel().attr(DEADLINE).set(ctx.executor().schedule(() -> {
            ctx.close(); // still not a WebSocket: the handshake timed out
        }, handshakeTimeout.toMillis(), TimeUnit.MILLISECONDS));
        ctx.fireChannelActive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == StreamWebSocketHandler.UPGRADED) {
            cancelDeadline(ctx);
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelDeadline(ctx);
        if (ctx.channel().attr(COUNTED).getAndSet(null) != null) {
            open.decrementAndGet();
        }
        ctx.fireChannelInactive();
    }

    private static void cancelDeadline(ChannelHandlerContext ctx) {
        ScheduledFuture<?> deadline = ctx.channel().attr(DEADLINE).getAndSet(null);
        if (deadline != null) {
            deadline.cancel(false);
        }
    }

    private void logLimit() {
        long now = System.nanoTime();
        long last = lastLoggedNanos.get();
        if (now - last >= LOG_INTERVAL_NANOS && lastLoggedNanos.compareAndSet(last, now)) {
            LOG.log(Level.WARNING, "connection_limit_reached: " + maxConnections + " connections are open; new"
                    + " connections are closed at once until some end (logged at most once a minute)");
        }
    }

    /** @return connections open now */
    int open() {
        return open.get();
    }
}
