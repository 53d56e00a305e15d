package io.streaminfer.tyrus;

import io.streaminfer.websocket.AccessPolicy;
import io.streaminfer.websocket.JsonMessageCodec;
import io.streaminfer.websocket.StreamEndpoint;
import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerEndpointConfig;
import org.glassfish.tyrus.spi.Connection;
import org.glassfish.tyrus.spi.ReadHandler;
import org.glassfish.tyrus.spi.UpgradeRequest;
import org.glassfish.tyrus.spi.UpgradeResponse;
import org.glassfish.tyrus.spi.WebSocketEngine;
import org.glassfish.tyrus.spi.Writer;

import java.util.List;

/**
 * Tyrus' engine with our guards: the handshake of a client without the token is refused with
 * 401, a refused handshake is answered with a complete response, and a {@link MessageSizeGuard}
 * sits in front of every connection's read handler.
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
    private final long limit;
    private final AccessPolicy access;
    private final long maxPendingBytes;
    private final JsonMessageCodec codec = new JsonMessageCodec();

    GuardedWebSocketEngine(WebSocketEngine delegate, long limit, AccessPolicy access, long maxPendingBytes) {
        this.delegate = delegate;
        this.limit = limit;
        this.access = access;
        this.maxPendingBytes = maxPendingBytes;
    }

    @Override
    public UpgradeInfo upgrade(UpgradeRequest request, UpgradeResponse response) {
        if (isWebSocketUpgrade(request) && !access.authorized(request.getHeaders(), request.getParameterMap())) {
            response.setStatus(401);
            response.setReasonPhrase("Unauthorized");
            response.getHeaders().put("WWW-Authenticate", List.of("Bearer"));
            return complete(response, REFUSED);
        }
        UpgradeInfo info = delegate.upgrade(request, response);
        if (info.getStatus() == UpgradeStatus.HANDSHAKE_FAILED) {
            return complete(response, info); // e.g. 403 for an origin the policy does not allow
        }
        return new UpgradeInfo() {
            @Override
            public UpgradeStatus getStatus() {
                return info.getStatus();
            }

            @Override
            public Connection createConnection(Writer writer, Connection.CloseListener closeListener) {
                Connection connection = info.createConnection(
                        StalledCloseGuard.watch(writer, StalledCloseGuard.currentConnection(), maxPendingBytes), closeListener);
                return connection == null ? null : new GuardedConnection(connection);
            }
        };
    }

    private static boolean isWebSocketUpgrade(UpgradeRequest request) {
        String upgrade = request.getHeader("Upgrade");
        return upgrade != null && "websocket".equalsIgnoreCase(upgrade.trim());
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
        private final ReadHandler guard;

        GuardedConnection(Connection connection) {
            this.connection = connection;
            this.guard = new MessageSizeGuard(connection.getReadHandler(), connection, limit,
                    StreamEndpoint.MAX_TEXT_MESSAGE_CHARS, codec);
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
            connection.close(reason);
        }
    }
}
