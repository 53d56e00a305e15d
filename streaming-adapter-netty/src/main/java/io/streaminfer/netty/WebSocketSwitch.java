package io.streaminfer.netty;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContentCompressor;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;

/**
 * Switches an accepted handshake's connection from HTTP to WebSocket frames, the same way for a
 * stream and for a source watcher: {@link StreamWebSocketHandler#UPGRADED} is fired (the handshake
 * deadline ends, and the connection is no longer one a crowded address could lose); the 101 goes
 * out through the HTTP encoder, which then leaves; the frame handlers ({@link FrameGuard}, Netty's
 * decoder and encoder, {@link StreamFrameHandler}) take the place of the handler that read the
 * handshake; the connection gets its {@link ConnectionInput}; and last the HTTP decoder leaves,
 * handing what it read past the request (a frame sent in the same write as the handshake) to the
 * frame handlers. Called on the channel's event loop.
 */
final class WebSocketSwitch {

    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    /** Writes above this many bytes waiting make the channel unwritable; below the low mark it is writable again. */
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 128 * 1024);

    private WebSocketSwitch() {
    }

    /**
     * @param largestMessage the largest binary message a client may send, in bytes
     * @return the settings of the frame decoder: masked frames only, no extension, violations reported
     *         rather than closed by Netty
     */
    static WebSocketDecoderConfig decoderConfig(long largestMessage) {
        // the guard in front refuses larger messages; this bound is the decoder's own backstop
        return WebSocketDecoderConfig.newBuilder()
                .expectMaskedFrames(true)
                .allowExtensions(false)
                .allowMaskMismatch(false)
                .closeOnProtocolViolation(false)
                .maxFramePayloadLength((int) Math.min(Integer.MAX_VALUE, Math.max(largestMessage, 125)))
                .build();
    }

    /**
     * @param ctx            the context of the handler that read the handshake; it leaves the pipeline
     * @param key            the client's {@code Sec-WebSocket-Key}
     * @param connection     the new connection's shared state
     * @param largestMessage the largest binary message the {@link FrameGuard} lets through
     * @param decoder        the frame decoder's settings
     * @param open           gives the connection its input, with the frame handlers in place and
     *                       before anything the client sent is read
     * @param failed         run when the 101 could not be written (the connection is closed then)
     */
    static void upgrade(ChannelHandlerContext ctx, String key, StreamConnection connection, long largestMessage,
                        WebSocketDecoderConfig decoder, Runnable open, Runnable failed) {
        Channel channel = ctx.channel();
        ChannelPipeline pipeline = ctx.pipeline();
        // before the 101 leaves: a client that has it must never be closed as a connection not yet upgraded
        pipeline.fireUserEventTriggered(StreamWebSocketHandler.UPGRADED);
        FullHttpResponse switching = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.SWITCHING_PROTOCOLS, Unpooled.EMPTY_BUFFER);
        switching.headers()
                .set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE)
                .set(HttpHeaderNames.SEC_WEBSOCKET_ACCEPT, accept(key));
        ctx.writeAndFlush(switching).addListener(written -> {
            if (!written.isSuccess()) {
                failed.run();
                channel.close();
            }
        });
        HttpServerCodec codec = pipeline.get(HttpServerCodec.class);
        if (codec != null) {
            codec.removeOutboundHandler();
        } else if (pipeline.get(HttpResponseEncoder.class) != null) {
            pipeline.remove(HttpResponseEncoder.class);
        }
        for (Class<? extends ChannelHandler> http : List.of(HttpObjectAggregator.class, HttpContentCompressor.class,
                HttpServerKeepAliveHandler.class)) {
            if (pipeline.get(http) != null) {
                pipeline.remove(http);
            }
        }
        channel.config().setOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK);

        String name = ctx.name();
        pipeline.addAfter(name, "stream-frame-encoder", new WebSocket08FrameEncoder(false))
                .addAfter("stream-frame-encoder", "stream-frame-guard", new FrameGuard(connection, largestMessage))
                .addAfter("stream-frame-guard", "stream-frame-decoder", new WebSocket08FrameDecoder(decoder))
                .addAfter("stream-frame-decoder", "stream-frames", new StreamFrameHandler(connection));
        pipeline.remove(name);
        open.run();
        if (codec != null) {
            pipeline.remove(codec);
        } else if (pipeline.get(HttpRequestDecoder.class) != null) {
            pipeline.remove(HttpRequestDecoder.class);
        }
    }

    /** RFC 6455 section 4.2.2: base64 of the SHA-1 of the key and the protocol's GUID. */
    private static String accept(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest((key + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }
}
