package io.streaminfer.tyrus;

import io.streaminfer.core.SourceFeeds;
import io.streaminfer.core.StreamEngine;
import io.streaminfer.core.StreamSession;
import io.streaminfer.protocol.AccessPolicy;
import io.streaminfer.protocol.HandshakeCheck;
import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerEndpointConfig;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.tyrus.spi.Connection;
import org.glassfish.tyrus.spi.ReadHandler;
import org.glassfish.tyrus.spi.UpgradeRequest;
import org.glassfish.tyrus.spi.UpgradeResponse;
import org.glassfish.tyrus.spi.WebSocketEngine;
import org.glassfish.tyrus.spi.Writer;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Tyrus' engine with our guards. Before Tyrus sees a WebSocket handshake: a draining server
 * answers 503 with {@code Retry-After}, a malformed handshake 400 (426 for another version,
 * {@link HandshakeCheck}), a client without the token 401, a source's watcher from another
 * site's page 403 ({@link AccessPolicy#watcherOriginAllowed}); every refusal is a complete response.
 * Each upgraded connection gets a {@link MessageSizeGuard} in front of its read handler, bound to
 * the engine's session of that connection and reading under the engine's memory budget, and a
 * {@link LingeringCloseWriter}; bytes that came
 * in the same read as the upgrade request are handed to it rather than dropped.
 */
final class GuardedWebSocketEngine implements WebSocketEngine {

    private static final UpgradeInfo REFUSED = new UpgradeInfo() {
        @Override
        public UpgradeStatus getStatus() {
            return UpgradeStatus.HANDSHAKE_FAILED;
        }

        @Override
        public Connection createConnection(Writer writer, Connection.CloseListener closeListener) {
            return null;
        }
    };

    private final WebSocketEngine delegate;
    private final StreamEngine engine;
    private final AccessPolicy access;
    private final long maxPendingBytes;

    GuardedWebSocketEngine(WebSocketEngine delegate, StreamEngine engine, AccessPolicy access, long maxPendingBytes) {
        this.delegate = delegate;
        this.engine = engine;
        this.access = access;
        this.maxPendingBytes = maxPendingBytes;
    }

    @Override
    public UpgradeInfo upgrade(UpgradeRequest request, UpgradeResponse response) {
        Function<String, List<String>> headers = headers(request);
        if (HandshakeCheck.isWebSocketUpgrade(headers)) {
            Optional<HandshakeCheck.Refusal> refusal = engine.isDraining() ? Optional.of(HandshakeCheck.draining())
                    : HandshakeCheck.check(method(), protocol(), target(request), headers);
            if (refusal.isPresent()) {
                HandshakeCheck.Refusal refused = refusal.get();
                response.setStatus(refused.status());
                response.setReasonPhrase(refused.phrase());
                refused.headers().forEach((name, value) -> response.getHeaders().put(name, List.of(value)));
                return complete(response, REFUSED);
            }
            if (!access.authorized(request.getHeaders(), request.getParameterMap())) {
                response.setStatus(401);
                response.setReasonPhrase("Unauthorized");
                response.getHeaders().put("WWW-Authenticate", List.of("Bearer"));
                return complete(response, REFUSED);
            }
            // the URI as sent is the path Tyrus routes on decoded: HandshakeCheck refused escapes and dot segments
            if (request.getRequestUri().startsWith(SourceFeeds.PATH_PREFIX)
                    && !access.watcherOriginAllowed(request.getHeader("Origin"), request.getHeader("Host"))) {
                response.setStatus(403); // Tyrus' origin check knows no Host: a foreign page is refused here
                response.setReasonPhrase("Forbidden");
                return complete(response, REFUSED);
            }
        }
        UpgradeInfo info = delegate.upgrade(request, response);
        if (info.getStatus() == UpgradeStatus.HANDSHAKE_FAILED) {
            return complete(response, info); // e.g. 403 for an origin the policy does not allow
        }
        if (info.getStatus() == UpgradeStatus.SUCCESS) {
            // before Tyrus writes the 101: a client that has it must never be evicted as not yet upgraded
            ConnectionGuard.upgraded(ReadContext.connection());
        }
        return new UpgradeInfo() {
            @Override
            public UpgradeStatus getStatus() {
                return info.getStatus();
            }

            @Override
            public Connection createConnection(Writer writer, Connection.CloseListener closeListener) {
                org.glassfish.grizzly.Connection<?> grizzly = ReadContext.connection();
                LingeringCloseWriter lingering = new LingeringCloseWriter(StalledCloseGuard.watch(writer, grizzly, maxPendingBytes));
                SessionCapture capture = SessionCapture.begin();
                Connection connection;
                StreamSession session;
                try {
                    connection = info.createConnection(lingering, closeListener);
                } finally {
                    session = capture.end();
                }
                if (connection == null) {
                    return null;
                }
                GuardedConnection guarded = new GuardedConnection(connection, lingering, session, capture.refuseInput());
                ByteBuffer early = ReadContext.takeBytesAfterRequest();
                if (early.hasRemaining()) {
                    guarded.getReadHandler().handle(early); // a first frame sent right behind the request
                }
                return guarded;
            }
        };
    }

    /** The request target as sent: Tyrus keeps the query apart from the URI. */
    private static String target(UpgradeRequest request) {
        String query = request.getQueryString();
        return query == null || query.isEmpty() ? request.getRequestUri() : request.getRequestUri() + "?" + query;
    }

    /**
     * The header lines as Grizzly read them, one value per line: Tyrus' own map splits every value
     * at its commas and joins repeated lines, which hides a repeated header.
     */
    private static Function<String, List<String>> headers(UpgradeRequest tyrus) {
        HttpRequestPacket request = ReadContext.request();
        if (request == null) {
            return HandshakeCheck.lookup(tyrus.getHeaders());
        }
        return AmbiguousHandshakeFilter.headerLines(request);
    }

    private static String method() {
        HttpRequestPacket request = ReadContext.request();
        return request == null ? "GET" : request.getMethod().getMethodString();
    }

    private static String protocol() {
        HttpRequestPacket request = ReadContext.request();
        return request == null ? "HTTP/1.1" : request.getProtocolString();
    }

    /**
     * Tyrus writes a refused handshake's status and headers but never ends the response, so the
     * client would wait for a body; an empty body and a closed connection end it.
     */
    private static UpgradeInfo complete(UpgradeResponse response, UpgradeInfo info) {
        response.getHeaders().put("Content-Length", List.of("0"));
        response.getHeaders().put("Connection", List.of("close"));
        return info;
    }

    @Override
    public void register(Class<?> endpointClass, String contextPath) throws DeploymentException {
        delegate.register(endpointClass, contextPath);
    }

    @Override
    public void register(ServerEndpointConfig serverConfig, String contextPath) throws DeploymentException {
        delegate.register(serverConfig, contextPath);
    }

    private final class GuardedConnection implements Connection {

        private final Connection connection;
        private final MessageSizeGuard guard;

        GuardedConnection(Connection connection, LingeringCloseWriter writer, StreamSession session, Runnable refuseInput) {
            this.connection = connection;
            // a source watcher may send nothing: every data frame is refused from its header, unread
            this.guard = refuseInput != null
                    ? MessageSizeGuard.readOnly(connection.getReadHandler(), connection, writer, refuseInput, engine.memoryBudget())
                    : new MessageSizeGuard(connection.getReadHandler(), connection, writer, session,
                            engine.config().maxFrameBytes(), engine.memoryBudget());
        }

        @Override
        public ReadHandler getReadHandler() {
            return guard;
        }

        @Override
        public Writer getWriter() {
            return connection.getWriter();
        }

        @Override
        public CloseListener getCloseListener() {
            return connection.getCloseListener();
        }

        @Override
        public void close(CloseReason reason) {
            try {
                connection.close(reason);
            } finally {
                guard.connectionClosed(); // Grizzly calls this however the connection ends
            }
        }
    }
}
