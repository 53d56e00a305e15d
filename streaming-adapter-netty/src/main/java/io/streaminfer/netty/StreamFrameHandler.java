package io.streaminfer.netty;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * Hands the control frames Netty's decoder produced to the connection's {@link ConnectionInput}
 * (its engine session, or a source watcher): the client's close frame, pings answered with pongs
 * (while the connection is writable);
 * a protocol violation the decoder found becomes {@code onProtocolViolation} (close 1002), any other
 * exception is logged by the {@link ConnectionErrorLog} and closes the connection, and the end of
 * the connection becomes {@code onTransportClosed}. Binary messages never come this way: the
 * {@link FrameGuard} collects them into one budgeted array and hands them on itself. Called on the
 * channel's event loop only.
 */
final class StreamFrameHandler extends ChannelInboundHandlerAdapter {

    private final StreamConnection connection;

    StreamFrameHandler(StreamConnection connection) {
        this.connection = connection;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof WebSocketFrame frame)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (connection.inputRefused()) {
            frame.release();
            return;
        }
        if (frame instanceof PingWebSocketFrame ping) {
            if (connection.closeSent() || !ctx.channel().isWritable()) {
                // RFC 6455 section 5.5.3 lets a pong answer only the latest ping: none is queued behind
                // unread output, so a client that floods pings and reads nothing cannot fill the server's memory
                ping.release();
            } else {
                ctx.writeAndFlush(new PongWebSocketFrame(ping.content()));
            }
        } else if (frame instanceof CloseWebSocketFrame close) {
            clientClose(ctx, close);
        } else {
            frame.release(); // pongs; data frames are the guard's and never reach the decoder
        }
    }

    private void clientClose(ChannelHandlerContext ctx, CloseWebSocketFrame close) {
        int code = close.statusCode();
        connection.clientClosed(code < 0 ? StreamConnection.NO_STATUS : code);
        if (connection.closeSent()) {
            close.release(); // the answer to ours: the handshake is complete
            ctx.close();
            return;
        }
        connection.closeQueued();
        // echo the client's status (RFC 6455 section 5.5.1), then hang up
        ctx.writeAndFlush(close.retainedDuplicate()).addListener(ChannelFutureListener.CLOSE);
        close.release();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof CorruptedWebSocketFrameException violation && connection.input() != null) {
            if (!connection.inputRefused()) {
                connection.refuseInput();
                connection.input().onProtocolViolation(violation.getMessage() == null
                        ? "malformed frame" : violation.getMessage());
            }
            return;
        }
        ConnectionErrorLog.SHARED.caught(cause);
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        connection.transportClosed();
        ctx.fireChannelInactive();
    }
}
