package io.streaminfer.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.streaminfer.core.OutboundChannel;
import io.streaminfer.core.ServerMessage;
import io.streaminfer.protocol.JsonMessageCodec;

import java.nio.channels.ClosedChannelException;

/**
 * Sends the engine's messages as text frames of one Netty channel. The JSON is encoded on the
 * caller's thread (an engine worker, usually) into a pooled buffer; the write's future completes
 * the engine's callback once the frame is in the socket. The engine sends one message at a time
 * per session and closes only after the last send completed, so the frames leave in its order.
 */
final class NettyOutboundChannel implements OutboundChannel {

    private final StreamConnection connection;
    private final JsonMessageCodec codec;

    NettyOutboundChannel(StreamConnection connection, JsonMessageCodec codec) {
        this.connection = connection;
        this.codec = codec;
    }

    @Override
    public void send(ServerMessage message, SendCallback callback) {
        Channel channel = connection.channel();
        if (!channel.isActive()) {
            callback.failed(new ClosedChannelException());
            return;
        }
        ByteBuf json = ByteBufUtil.writeUtf8(channel.alloc(), codec.encode(message));
        channel.writeAndFlush(new TextWebSocketFrame(json)).addListener((ChannelFuture written) -> {
            if (written.isSuccess()) {
                callback.succeeded();
            } else {
                callback.failed(written.cause());
            }
        });
    }

    @Override
    public void close(int closeCode, String reason) {
        connection.close(closeCode, reason);
    }
}
