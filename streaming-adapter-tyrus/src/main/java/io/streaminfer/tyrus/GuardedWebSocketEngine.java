package io.streaminfer.tyrus;

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

/** Tyrus' engine with a {@link MessageSizeGuard} in front of every connection's read handler. */
final class GuardedWebSocketEngine implements WebSocketEngine {

    private final WebSocketEngine delegate;
    private final long limit;
    private final JsonMessageCodec codec = new JsonMessageCodec();

    GuardedWebSocketEngine(WebSocketEngine delegate, long limit) {
        this.delegate = delegate;
        this.limit = limit;
    }

    @Override
    public UpgradeInfo upgrade(UpgradeRequest request, UpgradeResponse response) {
        UpgradeInfo info = delegate.upgrade(request, response);
        return new UpgradeInfo() {
            @Override
            public UpgradeStatus getStatus() {
                return info.getStatus();
            }

            @Override
            public Connection createConnection(Writer writer, Connection.CloseListener closeListener) {
                Connection connection = info.createConnection(writer, closeListener);
                return connection == null ? null : new GuardedConnection(connection);
            }
        };
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
