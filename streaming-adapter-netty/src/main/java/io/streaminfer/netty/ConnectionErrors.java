package io.streaminfer.netty;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * The last handler of every connection of the standalone server: an exception no handler before it
 * took (a client resetting its connection during the handshake, mostly) is logged by the
 * {@link ConnectionErrorLog} and the connection closed, instead of reaching the end of Netty's
 * pipeline, which logs a warning with a stack trace for each.
 */
@ChannelHandler.Sharable
final class ConnectionErrors extends ChannelInboundHandlerAdapter {

    private final ConnectionErrorLog log;

    ConnectionErrors(ConnectionErrorLog log) {
        this.log = log;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.caught(cause);
        ctx.close();
    }
}
