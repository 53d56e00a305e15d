package io.streaminfer.netty;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.streaminfer.core.Admission;
import io.streaminfer.core.StreamEngine;
import io.streaminfer.protocol.AccessPolicy;
import io.streaminfer.protocol.HandshakeCheck;
import io.streaminfer.protocol.JsonMessageCodec;
import io.streaminfer.core.SourceFeeds;
import io.streaminfer.protocol.TrustedProxies;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The stream endpoint for a Netty pipeline of your own: add it after an {@link HttpServerCodec}
 * (and before your own handlers); it takes the WebSocket handshakes to {@value #PATH} (and, given
 * {@link Builder#sources}, to {@code /ws/sources/<id>}) and hands every other request on unchanged.
 *
 * <pre>{@code
 * StreamWebSocketHandler streams = StreamWebSocketHandler.builder(engine).sources(feeds).build();
 * // in your ChannelInitializer:
 * channel.pipeline().addLast(new HttpServerCodec(), streams, new YourHandler());
 * }</pre>
 *
 * <p>At a handshake it checks, in this order, and answers with an HTTP status instead of
 * upgrading: a draining engine (503 with {@code Retry-After}), RFC 6455 and headers that could be
 * read two ways (400, or 426 with {@code Sec-WebSocket-Version: 13}, {@link HandshakeCheck}), the
 * token (401) and the origin (403) of its {@link AccessPolicy}. Then the engine admits the stream, in the order handshakes arrive,
 * and the connection is upgraded: the HTTP handlers leave the pipeline, no extension is
 * negotiated, and the connection's frames go to its engine session: binary messages up to the
 * engine's frame limit, refused from their header past it ({@code frame_too_large}, 1009), the
 * memory budget reserved as they arrive, RFC 6455 violations closed with 1002, answers written as
 * text frames, and the connection cut 2 s after our close frame if the client does not answer it.
 *
 * <p>Given {@link SourceFeeds}, it serves read-only watchers of the sources at
 * {@code /ws/sources/<id>[?frames=true]} beside the streams, after the same handshake checks (the
 * engine admits no session for them) and one more: without an origin list, a page of another site
 * is refused with 403 ({@link AccessPolicy#watcherOriginAllowed}). Each result of the source as a text frame, its JPEG as a
 * binary frame before it when asked, one message at a time with the newest result waiting in the
 * feed ({@link SourceWatcher}); an unknown source gets {@code invalid_source} and 1008, anything a
 * watcher sends {@code invalid_message} and 1003. The engine counts watchers
 * ({@link StreamEngine#admitWatcher}): past its cap in all or per client address (behind trusted
 * proxies, the forwarded one) a watcher is upgraded, told {@code server_busy} and closed with 1013,
 * as a stream past the session cap is.
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

    private static final AttributeKey<Object> HANDSHAKE = AttributeKey.valueOf(StreamWebSocketHandler.class, "handshake");
    /** The request being swallowed after a refusal. */
    private static final Object REFUSED = new Object();
    private static final WebSocketDecoderConfig WATCHER_DECODER = WebSocketSwitch.decoderConfig(SourceWatcher.LARGEST_MESSAGE);

    private final StreamEngine engine;
    private final AccessPolicy access;
    private final TrustedProxies proxies;
    private final SourceFeeds sources;
    private final JsonMessageCodec json = new JsonMessageCodec();
    private final WebSocketDecoderConfig decoderConfig;

    private StreamWebSocketHandler(Builder builder) {
        this.engine = builder.engine;
        this.access = builder.access;
        this.proxies = builder.proxies;
        this.sources = builder.sources;
        this.decoderConfig = WebSocketSwitch.decoderConfig(engine.config().maxFrameBytes());
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
            if (!isOurHandshake(request)) {
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

    private boolean isOurHandshake(HttpRequest request) {
        String path = pathOf(request.uri());
        return (PATH.equals(path) || sources != null && SourceFeeds.sourceIdOf(path).isPresent())
                && HandshakeCheck.isWebSocketUpgrade(request.headers()::getAll);
    }

    private static String pathOf(String uri) {
        int query = uri.indexOf('?');
        return query < 0 ? uri : uri.substring(0, query);
    }

    /** @return the stream or watcher to upgrade to, or {@link #REFUSED} when an HTTP status was sent */
    private Object handshake(ChannelHandlerContext ctx, HttpRequest request) {
        HttpHeaders headers = request.headers();
        Optional<HandshakeCheck.Refusal> refusal = request.decoderResult().isFailure()
                ? Optional.of(new HandshakeCheck.Refusal(400, "Bad Request", "the request is not valid HTTP", Map.of()))
                : engine.isDraining() ? Optional.of(HandshakeCheck.draining())
                : HandshakeCheck.check(request.method().name(), request.protocolVersion().text(), request.uri(), headers::getAll);
        if (refusal.isPresent()) {
            return refuse(ctx, refusal.get());
        }
        QueryStringDecoder uri;
        Map<String, List<String>> parameters;
        try {
            uri = new QueryStringDecoder(request.uri());
            parameters = uri.parameters();
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
        String key = headers.get(HttpHeaderNames.SEC_WEBSOCKET_KEY).trim();
        String path = pathOf(request.uri());
        if (!PATH.equals(path)) {
            if (!access.watcherOriginAllowed(headers.get(HttpHeaderNames.ORIGIN), headers.get(HttpHeaderNames.HOST))) {
                return refuse(ctx, new HandshakeCheck.Refusal(403, "Forbidden", AccessPolicy.WATCHER_ORIGIN_REFUSED, Map.of()));
            }
            // the id as sent when it decodes to something else than one path segment: the feeds name it unknown
            String id = SourceFeeds.sourceIdOf(uri.path()).or(() -> SourceFeeds.sourceIdOf(path)).orElseThrow();
            String client = proxies.client(peer(ctx.channel()), proxies.any() ? headerMap : Map.of());
            return new Watch(id, SourceFeeds.framesWanted(first(parameters, SourceFeeds.FRAMES_PARAMETER)), client, key);
        }
        Admission admission = engine.admit(first(parameters, PIPELINE_PARAMETER), first(parameters, MODE_PARAMETER));
        if (admission.draining()) {
            return refuse(ctx, HandshakeCheck.draining());
        }
        String client = proxies.client(peer(ctx.channel()), proxies.any() ? headerMap : Map.of());
        return new Upgrade(admission, client, key);
    }

    private static Object refuse(ChannelHandlerContext ctx, HandshakeCheck.Refusal refusal) {
        HttpAnswers.refuse(ctx, refusal.status(), refusal.detail(), refusal.headers());
        return REFUSED;
    }

    private void finish(ChannelHandlerContext ctx, Object handshake) {
        ctx.channel().attr(HANDSHAKE).set(null);
        if (handshake instanceof Upgrade upgrade) {
            StreamConnection connection = new StreamConnection(ctx.channel(), engine.memoryBudget());
            WebSocketSwitch.upgrade(ctx, upgrade.key(), connection, engine.config().maxFrameBytes(), decoderConfig,
                    () -> connection.input(ConnectionInput.of(engine.open(upgrade.admission(),
                            new NettyOutboundChannel(connection, json), upgrade.client()))),
                    upgrade.admission()::cancel);
        } else if (handshake instanceof Watch watch) {
            StreamConnection connection = new StreamConnection(ctx.channel(), engine.memoryBudget());
            SourceWatcher watcher = new SourceWatcher(connection);
            WebSocketSwitch.upgrade(ctx, watch.key(), connection, SourceWatcher.LARGEST_MESSAGE, WATCHER_DECODER, () -> {
                connection.input(watcher);
                watcher.watch(sources, engine, watch.client(), watch.sourceId(), watch.frames());
            }, () -> { });
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

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        Object handshake = ctx.channel().attr(HANDSHAKE).getAndSet(null);
        if (handshake instanceof Upgrade upgrade) {
            upgrade.admission().cancel(); // the client left before its handshake completed
        }
        ctx.fireChannelInactive();
    }

    /** An accepted stream handshake waiting for the end of its request. */
    private record Upgrade(Admission admission, String client, String key) {
    }

    /** An accepted watcher handshake waiting for the end of its request. */
    private record Watch(String sourceId, boolean frames, String client, String key) {
    }

    /** Collects the handler's settings. Not thread-safe. */
    public static final class Builder {
        private final StreamEngine engine;
        private AccessPolicy access = AccessPolicy.open();
        private TrustedProxies proxies = TrustedProxies.none();
        private SourceFeeds sources;

        private Builder(StreamEngine engine) {
            this.engine = Objects.requireNonNull(engine, "engine");
        }

        /** @param access who may open streams and watch sources (default: everyone) @return this builder */
        public Builder access(AccessPolicy access) {
            this.access = Objects.requireNonNull(access, "access");
            return this;
        }

        /** @param proxies peers whose forwarding headers name the client (default: none) @return this builder */
        public Builder trustedProxies(TrustedProxies proxies) {
            this.proxies = Objects.requireNonNull(proxies, "proxies");
            return this;
        }

        /**
         * @param feeds sources whose results watchers read at {@code /ws/sources/<id>} (default: no
         *              such path; its handshakes are handed on like any other request)
         * @return this builder
         */
        public Builder sources(SourceFeeds feeds) {
            this.sources = Objects.requireNonNull(feeds, "feeds");
            return this;
        }

        /** @return the handler, to add to every channel's pipeline after its HTTP codec; never {@literal null} */
        public StreamWebSocketHandler build() {
            return new StreamWebSocketHandler(this);
        }
    }
}
