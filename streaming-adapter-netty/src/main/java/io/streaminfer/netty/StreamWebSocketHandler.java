package io.streaminfer.netty;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpContentCompressor;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.streaminfer.core.Admission;
import io.streaminfer.core.StreamEngine;
import io.streaminfer.protocol.AccessPolicy;
import io.streaminfer.protocol.HandshakeCheck;
import io.streaminfer.protocol.JsonMessageCodec;
import io.streaminfer.protocol.TrustedProxies;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The stream endpoint for a Netty pipeline of your own: add it after an {@link HttpServerCodec}
 * (and before your own handlers); it takes the WebSocket handshakes to {@value #PATH} and hands
 * every other request on unchanged.
 *
 * <pre>{@code
 * StreamWebSocketHandler streams = StreamWebSocketHandler.builder(engine).build();
 * // in your ChannelInitializer:
 * channel.pipeline().addLast(new HttpServerCodec(), streams, new YourHandler());
 * }</pre>
 *
 * <p>At a handshake it checks, in this order, and answers with an HTTP status instead of
 * upgrading: a draining engine (503 with {@code Retry-After}), RFC 6455 (400, or 426 with
 * {@code Sec-WebSocket-Version: 13}, {@link HandshakeCheck}), the token (401) and the origin (403)
 * of its {@link AccessPolicy}. Then the engine admits the stream, in the order handshakes arrive,
 * and the connection is upgraded: the HTTP handlers leave the pipeline, no extension is
 * negotiated, and the connection's frames go to its engine session: binary messages up to the
 * engine's frame limit, refused from their header past it ({@code frame_too_large}, 1009), the
 * memory budget reserved as they arrive, RFC 6455 violations closed with 1002, answers written as
 * text frames, and the connection cut 2 s after our close frame if the client does not answer it.
 *
 * <p>One instance serves every channel ({@link ChannelHandler.Sharable}); thread-safe.
 */
@ChannelHandler.Sharable
public final class StreamWebSocketHandler extends ChannelInboundHandlerAdapter {

    /** Where clients connect. */
    public static final String PATH = "/ws/video/stream";
    /** The query parameter naming the pipeline. */
    public static final String PIPELINE_PARAMETER = "pipeline_id";
    /** The query parameter choosing {@code realtime} (the default) or {@code lossless}. */
    public static final String MODE_PARAMETER = "mode";

    /** Fired through the pipeline once a connection is a WebSocket (the server's handshake deadline ends). */
    static final Object UPGRADED = new Object() {
        @Override
        public String toString() {
            return "StreamWebSocketHandler.UPGRADED";
        }
    };

    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    /** Writes above this many bytes waiting make the channel unwritable; below the low mark it is writable again. */
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 128 * 1024);
    private static final AttributeKey<Object> HANDSHAKE = AttributeKey.valueOf(StreamWebSocketHandler.class, "handshake");
    /** The request being swallowed after a refusal. */
    private static final Object REFUSED = new Object();

    private final StreamEngine engine;
    private final AccessPolicy access;
    private final TrustedProxies proxies;
    private final JsonMessageCodec json = new JsonMessageCodec();
    private final WebSocketDecoderConfig decoderConfig;

    private StreamWebSocketHandler(Builder builder) {
        this.engine = builder.engine;
        this.access = builder.access;
        this.proxies = builder.proxies;
        long limit = engine.config().maxFrameBytes();
        // the guard in front refuses larger messages through the engine; this bound is the decoder's own backstop
        this.decoderConfig = WebSocketDecoderConfig.newBuilder()
                .expectMaskedFrames(true)
                .allowExtensions(false)
                .allowMaskMismatch(false)
                .closeOnProtocolViolation(false)
                .maxFramePayloadLength((int) Math.min(Integer.MAX_VALUE, Math.max(limit, 125)))
                .build();
    }

    /**
     * @param engine the engine that serves the streams
     * @return a builder for a handler open to everyone (no origin list, no token, no trusted proxy)
     */
    public static Builder builder(StreamEngine engine) {
        return new Builder(engine);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Object handshake = ctx.channel().attr(HANDSHAKE).get();
        if (msg instanceof HttpRequest request) {
            if (!isStreamHandshake(request)) {
                ctx.fireChannelRead(msg);
                return;
            }
            try {
                handshake = handshake(ctx, request);
            } finally {
                ReferenceCountUtil.release(msg);
            }
            ctx.channel().attr(HANDSHAKE).set(handshake);
            if (msg instanceof LastHttpContent) {
                finish(ctx, handshake);
            }
        } else if (msg instanceof HttpContent && handshake != null) {
            ReferenceCountUtil.release(msg); // a handshake has no body worth reading
            if (msg instanceof LastHttpContent) {
                finish(ctx, handshake);
            }
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    private static boolean isStreamHandshake(HttpRequest request) {
        String uri = request.uri();
        int query = uri.indexOf('?');
        return PATH.equals(query < 0 ? uri : uri.substring(0, query))
                && HandshakeCheck.isWebSocketUpgrade(request.headers()::get);
    }

    /** @return the admission to upgrade with, or {@link #REFUSED} when an HTTP status was sent */
    private Object handshake(ChannelHandlerContext ctx, HttpRequest request) {
        HttpHeaders headers = request.headers();
        Optional<HandshakeCheck.Refusal> refusal = request.decoderResult().isFailure()
                ? Optional.of(new HandshakeCheck.Refusal(400, "Bad Request", "the request is not valid HTTP", Map.of()))
                : engine.isDraining() ? Optional.of(HandshakeCheck.draining())
                : HandshakeCheck.check(request.method().name(), request.protocolVersion().text(), request.uri(), headers::get);
        if (refusal.isPresent()) {
            return refuse(ctx, refusal.get());
        }
        Map<String, List<String>> parameters;
        try {
            parameters = new QueryStringDecoder(request.uri()).parameters();
        } catch (IllegalArgumentException e) {
            return refuse(ctx, new HandshakeCheck.Refusal(400, "Bad Request", "the request URI is not valid", Map.of()));
        }
        Map<String, List<String>> headerMap = headerMap(headers);
        if (access.tokenRequired() && !access.authorized(headerMap, parameters)) {
            return refuse(ctx, new HandshakeCheck.Refusal(401, "Unauthorized", "a valid token is required",
                    Map.of("WWW-Authenticate", "Bearer")));
        }
        if (!access.originAllowed(headers.get(HttpHeaderNames.ORIGIN))) {
            return refuse(ctx, new HandshakeCheck.Refusal(403, "Forbidden", "this origin may not open streams", Map.of()));
        }
        Admission admission = engine.admit(first(parameters, PIPELINE_PARAMETER), first(parameters, MODE_PARAMETER));
        if (admission.draining()) {
            return refuse(ctx, HandshakeCheck.draining());
        }
        String client = proxies.client(peer(ctx.channel()), proxies.any() ? headerMap : Map.of());
        return new Upgrade(admission, client, accept(headers.get(HttpHeaderNames.SEC_WEBSOCKET_KEY).trim()));
    }

    private static Object refuse(ChannelHandlerContext ctx, HandshakeCheck.Refusal refusal) {
        HttpAnswers.refuse(ctx, refusal.status(), refusal.detail(), refusal.headers());
        return REFUSED;
    }

    private void finish(ChannelHandlerContext ctx, Object handshake) {
        ctx.channel().attr(HANDSHAKE).set(null);
        if (handshake instanceof Upgrade upgrade) {
            upgrade(ctx, upgrade);
        }
    }

    /**
     * Switches the connection to WebSocket: the 101 goes out through the HTTP encoder, which then
     * leaves; our frame handlers take this handler's place; the session is opened; and last the
     * HTTP decoder leaves, handing what it read past the request (a frame sent in the same write
     * as the handshake) to the frame handlers.
     */
    private void upgrade(ChannelHandlerContext ctx, Upgrade upgrade) {
        Channel channel = ctx.channel();
        ChannelPipeline pipeline = ctx.pipeline();
        FullHttpResponse switching = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.SWITCHING_PROTOCOLS, Unpooled.EMPTY_BUFFER);
        switching.headers()
                .set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE)
                .set(HttpHeaderNames.SEC_WEBSOCKET_ACCEPT, upgrade.accept());
        ctx.writeAndFlush(switching).addListener(written -> {
            if (!written.isSuccess()) {
                upgrade.admission().cancel();
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

        StreamConnection connection = new StreamConnection(channel, engine.memoryBudget());
        String name = ctx.name();
        pipeline.addAfter(name, "stream-frame-encoder", new WebSocket08FrameEncoder(false))
                .addAfter("stream-frame-encoder", "stream-frame-guard", new FrameGuard(connection, engine.config().maxFrameBytes()))
                .addAfter("stream-frame-guard", "stream-frame-decoder", new WebSocket08FrameDecoder(decoderConfig))
                .addAfter("stream-frame-decoder", "stream-frames", new StreamFrameHandler(connection));
        pipeline.remove(name);
        connection.session(engine.open(upgrade.admission(), new NettyOutboundChannel(connection, json), upgrade.client()));
        pipeline.fireUserEventTriggered(UPGRADED);
        if (codec != null) {
            pipeline.remove(codec);
        } else if (pipeline.get(HttpRequestDecoder.class) != null) {
            pipeline.remove(HttpRequestDecoder.class);
        }
    }

    private static String first(Map<String, List<String>> parameters, String name) {
        List<String> values = parameters.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static Map<String, List<String>> headerMap(HttpHeaders headers) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (Map.Entry<String, String> header : headers) {
            map.computeIfAbsent(header.getKey(), k -> new ArrayList<>()).add(header.getValue());
        }
        return map;
    }

    private static String peer(Channel channel) {
        SocketAddress address = channel.remoteAddress();
        if (address instanceof InetSocketAddress inet) {
            return inet.getAddress() == null ? inet.getHostString() : inet.getAddress().getHostAddress();
        }
        return "unknown";
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

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        Object handshake = ctx.channel().attr(HANDSHAKE).getAndSet(null);
        if (handshake instanceof Upgrade upgrade) {
            upgrade.admission().cancel(); // the client left before its handshake completed
        }
        ctx.fireChannelInactive();
    }

    /** An accepted handshake waiting for the end of its request. */
    private record Upgrade(Admission admission, String client, String accept) {
    }

    /** Collects the handler's settings. Not thread-safe. */
    public static final class Builder {
        private final StreamEngine engine;
        private AccessPolicy access = AccessPolicy.open();
        private TrustedProxies proxies = TrustedProxies.none();

        private Builder(StreamEngine engine) {
            this.engine = Objects.requireNonNull(engine, "engine");
        }

        /** @param access who may open streams (default: everyone) @return this builder */
        public Builder access(AccessPolicy access) {
            this.access = Objects.requireNonNull(access, "access");
            return this;
        }

        /** @param proxies peers whose forwarding headers name the client (default: none) @return this builder */
        public Builder trustedProxies(TrustedProxies proxies) {
            this.proxies = Objects.requireNonNull(proxies, "proxies");
            return this;
        }

        /** @return the handler, to add to every channel's pipeline after its HTTP codec; never {@literal null} */
        public StreamWebSocketHandler build() {
            return new StreamWebSocketHandler(this);
        }
    }
}
