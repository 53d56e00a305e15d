package io.streaminfer.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;

import java.lang.System.Logger.Level;

/**
 * Hands the frames Netty's decoder produced to the connection's {@link ConnectionInput} (its engine
 * session, or a source watcher that refuses them all): binary messages
 * (fragments joined, one copy into the array the engine takes), the client's close frame, pings;
 * a protocol violation the decoder found becomes {@code onProtocolViolation} (close 1002), and the
 * end of the connection {@code onTransportClosed}. The memory the {@link FrameGuard} reserved for
 * a message is given back once the engine has it. Called on the channel's event loop only.
 */
final class StreamFrameHandler extends ChannelInboundHandlerAdapter {

    private static final System.Logger LOG = System.getLogger(StreamFrameHandler.class.getName());
    /** Fragments joined per message before the composite buffer consolidates. */
    private static final int MAX_COMPONENTS = 1024;

    private final StreamConnection connection;
    private CompositeByteBuf fragments;

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
        if (frame instanceof BinaryWebSocketFrame binary) {
            if (binary.isFinalFragment()) {
                deliver(binary.content());
            } else {
                fragments = ctx.alloc().compositeBuffer(MAX_COMPONENTS).addComponent(true, binary.content());
            }
        } else if (frame instanceof ContinuationWebSocketFrame continuation) {
            continuation(continuation);
        } else if (frame instanceof PingWebSocketFrame ping) {
            if (connection.closeSent()) {
                ping.release();
            } else {
                ctx.writeAndFlush(new PongWebSocketFrame(ping.content()));
            }
        } else if (frame instanceof CloseWebSocketFrame close) {
            clientClose(ctx, close);
        } else if (frame instanceof TextWebSocketFrame text) {
            // the guard refuses text at its header; this is the backstop
            text.release();
            connection.input().onTextMessage("");
        } else {
            frame.release(); // pongs
        }
    }

    private void continuation(ContinuationWebSocketFrame continuation) {
        if (connection.skippingMessage() || fragments == null) { // the budget could not hold the rest of it
            continuation.release();
            if (continuation.isFinalFragment()) {
                releaseFragments();
                connection.messageSkipped();
            }
            return;
        }
        fragments.addComponent(true, continuation.content());
        if (continuation.isFinalFragment()) {
            CompositeByteBuf whole = fragments;
            fragments = null;
            deliver(whole);
        }
    }

    /**
     * One copy into the engine's array. The reservation is handed over as the engine takes the
     * bytes: given back just before, since the engine reserves the same bytes itself and holding
     * both would make a nearly full budget drop frames it can hold.
     */
    private void deliver(ByteBuf message) {
        byte[] data;
        try {
            data = ByteBufUtil.getBytes(message);
        } finally {
            message.release();
        }
        connection.releaseMessage();
        connection.input().onBinaryMessage(data);
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
                releaseFragments();
                connection.input().onProtocolViolation(violation.getMessage() == null
                        ? "malformed frame" : violation.getMessage());
            }
            return;
        }
        LOG.log(Level.DEBUG, () -> "stream connection failed: " + cause);
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseFragments();
        connection.transportClosed();
        ctx.fireChannelInactive();
    }

    private void releaseFragments() {
        if (fragments != null) {
            fragments.release();
            fragments = null;
        }
    }
}
