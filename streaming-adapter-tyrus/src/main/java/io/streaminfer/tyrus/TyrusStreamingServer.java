package io.streaminfer.tyrus;

import io.streaminfer.core.StreamEngine;
import io.streaminfer.protocol.AccessPolicy;
import io.streaminfer.protocol.ConnectionLimits;
import io.streaminfer.protocol.HttpContent;
import io.streaminfer.websocket.StreamEndpoint;
import io.streaminfer.websocket.SourceWatchEndpoint;
import io.streaminfer.core.SourceFeeds;
import io.streaminfer.websocket.StrictEndpointConfig;
import io.streaminfer.protocol.TransportServer;
import io.streaminfer.protocol.TrustedProxies;
import io.streaminfer.protocol.TransportDefaults;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerEndpointConfig;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.strategies.WorkerThreadIOStrategy;
import org.glassfish.tyrus.container.grizzly.server.WebSocketAddOn;
import org.glassfish.tyrus.core.TyrusSession;
import org.glassfish.tyrus.core.TyrusWebSocketEngine;
import org.glassfish.tyrus.server.TyrusServerContainer;
import org.glassfish.tyrus.spi.WebSocketEngine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The standalone server: the {@link StreamEndpoint} hosted by Tyrus on a Grizzly HTTP server
 * composed here rather than by {@code org.glassfish.tyrus.server.Server}, so that it binds the
 * address it is given (Tyrus' {@code Server} always binds 0.0.0.0), reads frames up to the
 * configured limit, and stops gracefully. Connections are guarded before Tyrus sees them: a
 * handshake timeout, a connection cap and a cap per address on connections not yet upgraded
 * ({@link ConnectionGuard}), strict handshakes ({@link AmbiguousHandshakeFilter},
 * {@link GuardedWebSocketEngine}), frame headers checked against RFC 6455 and the frame limit
 * ({@link MessageSizeGuard}), no WebSocket extensions, and pages and logs that name neither the
 * container nor the request ({@link QuietPages}, {@link ContainerLogFilter}).
 *
 * <p>Lifecycle: {@link #start()} once, then {@link #stop(Duration)} once. Thread-safe.
 */
public final class TyrusStreamingServer implements TransportServer {

    private static final System.Logger LOG = System.getLogger(TyrusStreamingServer.class.getName());
    private static final String CONTEXT_PATH = "/";
    private static final String LISTENER_NAME = "stream";

    private final StreamEngine engine;
    private final String host;
    private final int requestedPort;
    private final EmbeddedContainer container;
    private final HttpServer httpServer;
    private final HttpContent pages;
    private final AccessPolicy access;
    private final TrustedProxies proxies;
    private final ConnectionGuard connections;
    private final SourceFeeds sources;
    private volatile boolean started;

    private TyrusStreamingServer(Builder b) {
        this.engine = b.engine;
        this.host = b.host;
        this.requestedPort = b.port;
        this.container = new EmbeddedContainer(engine, b.access, b.maxPendingBytes);
        this.connections = new ConnectionGuard(b.handshakeTimeout, b.maxConnections, b.maxPendingPerAddress);
        this.httpServer = new HttpServer();
        this.pages = b.content;
        this.access = b.access;
        this.proxies = b.proxies;
        this.sources = b.sources;
    }

    /**
     * @param engine the engine that serves the sessions
     * @return a builder for a server on 0.0.0.0:8080
     */
    public static Builder builder(StreamEngine engine) {
        return new Builder(engine);
    }

    /**
     * Binds the port and starts accepting connections.
     *
     * @return this server
     * @throws IOException when the port cannot be bound
     */
    public synchronized TyrusStreamingServer start() throws IOException {
        if (started) {
            throw new IllegalStateException("already started");
        }
        NetworkListener listener = new NetworkListener(LISTENER_NAME, host, requestedPort);
        // the WebSocket layer runs our handlers on Grizzly's workers; they never block (the engine has its own pool)
        listener.getTransport().setIOStrategy(WorkerThreadIOStrategy.getInstance());
        // WebSockets must not be cut by HTTP keep-alive; connections that never upgrade are bounded
        // by the ConnectionGuard's handshake timeout instead
        listener.getKeepAlive().setIdleTimeoutInSeconds(-1);
        listener.registerAddOn(connections.addOn());
        listener.registerAddOn(new WebSocketAddOn(container, CONTEXT_PATH));
        listener.registerAddOn(ReadContext.addOn());
        listener.registerAddOn(AmbiguousHandshakeFilter.addOn());
        httpServer.addListener(listener);
        QuietPages.apply(httpServer.getServerConfiguration());
        ContainerLogFilter.install();
        HttpPages.register(httpServer.getServerConfiguration(), pages);
        ServerEndpointConfig endpoint = StrictEndpointConfig.of(
                StreamEndpoint.config(engine, TyrusStreamingServer::remoteAddress, access, proxies, null), List.of(),
                SessionCapture::opened);
        try {
            container.addEndpoint(endpoint);
            if (sources != null) {
                container.addEndpoint(StrictEndpointConfig.of(SourceWatchEndpoint.config(sources, access, engine,
                        TyrusStreamingServer::remoteAddress, proxies), List.of(),
                        SessionCapture::opened));
            }
            httpServer.start();
            container.start(CONTEXT_PATH, listener.getPort());
        } catch (DeploymentException e) {
            httpServer.shutdownNow();
            throw new IOException("the stream endpoint could not be deployed: " + e.getMessage(), e);
        }
        started = true;
        return this;
    }

    /**
     * @return the bound port (the real one when 0 was asked for), or -1 before {@link #start()}
     */
    @Override
    public int port() {
        NetworkListener listener = httpServer.getListener(LISTENER_NAME);
        return started && listener != null ? listener.getPort() : -1;
    }

    /**
     * @return the bound host
     */
    public String host() {
        return host;
    }

    /**
     * Stops: the engine answers what is in flight and closes every session with 1001, then the
     * listener stops.
     *
     * @param grace how long in-flight frames may take
     * @return whether every session ended within the grace period
     */
    @Override
    public synchronized boolean stop(Duration grace) {
        if (!started) {
            return true;
        }
        started = false;
        boolean graceful = engine.shutdown(grace);
        try {
            httpServer.shutdown(grace.toMillis(), TimeUnit.MILLISECONDS).get(grace.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(Level.WARNING, "the HTTP listener did not stop within the grace period; stopping it now");
            httpServer.shutdownNow();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            httpServer.shutdownNow();
        }
        container.stop();
        return graceful;
    }

    /** Same as {@link #stop(Duration)} with 10 seconds of grace. */
    @Override
    public void close() {
        stop(Duration.ofSeconds(10));
    }

    private static String remoteAddress(jakarta.websocket.Session session) {
        return session instanceof TyrusSession tyrus ? tyrus.getRemoteAddr() : "unknown";
    }

    /** @return connections open on the WebSocket port now, upgraded or not */
    public int openConnections() {
        return connections.openConnections();
    }

    /**
     * Tyrus' server container on an HTTP server composed by us. Messages over the frame limit
     * are refused by a {@link MessageSizeGuard} from their header, and the guard hands Tyrus one
     * frame at a time, so Tyrus' incoming buffer holds one frame of the limit and its header.
     */
    private static final class EmbeddedContainer extends TyrusServerContainer {

        private final WebSocketEngine webSocketEngine;

        EmbeddedContainer(StreamEngine engine, AccessPolicy access, long maxPendingBytes) {
            super((Set<Class<?>>) Set.<Class<?>>of());
            int incomingBufferSize = MessageSizeGuard.tyrusBufferSize(engine.config().maxFrameBytes());
            this.webSocketEngine = new GuardedWebSocketEngine(
                    TyrusWebSocketEngine.builder(this).incomingBufferSize(incomingBufferSize).build(), engine, access,
                    maxPendingBytes);
        }

        @Override
        public void register(Class<?> endpointClass) throws DeploymentException {
            webSocketEngine.register(endpointClass, CONTEXT_PATH);
        }

        @Override
        public void register(ServerEndpointConfig serverEndpointConfig) throws DeploymentException {
            webSocketEngine.register(serverEndpointConfig, CONTEXT_PATH);
        }

        @Override
        public WebSocketEngine getWebSocketEngine() {
            return webSocketEngine;
        }

        @Override
        public Map<String, Object> getProperties() {
            return Map.of();
        }
    }

    /** Collects the server's settings. Not thread-safe. */
    public static final class Builder {

        private final StreamEngine engine;
        private String host = "0.0.0.0";
        private int port = 8080;
        private AccessPolicy access = AccessPolicy.open();
        private TrustedProxies proxies = TrustedProxies.none();
        private long maxPendingBytes = 16L * 1024 * 1024;
        private HttpContent content = HttpContent.none();
        private Duration handshakeTimeout = TransportDefaults.HANDSHAKE_TIMEOUT;
        private int maxConnections = TransportDefaults.maxConnections();
        private int maxPendingPerAddress = ConnectionLimits.DEFAULT_MAX_PENDING_PER_ADDRESS;
        private SourceFeeds sources;

        private Builder(StreamEngine engine) {
            this.engine = Objects.requireNonNull(engine, "engine");
        }

        /**
         * @param host the address to bind, e.g. {@code 127.0.0.1} or {@code 0.0.0.0}
         * @return this builder
         */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /**
         * @param port the port to bind, 0 for any free port
         * @return this builder
         */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * @param policy which origins and credentials may open streams (default: everyone)
         * @return this builder
         */
        public Builder access(AccessPolicy policy) {
            this.access = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * @param bytes answers' bytes that may wait to be written to one client before its
         *              connection is terminated as not reading (default 16 MiB)
         * @return this builder
         */
        public Builder maxPendingBytes(long bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("maxPendingBytes must be at least 1024, got " + bytes);
            }
            this.maxPendingBytes = bytes;
            return this;
        }

        /**
         * @param feeds sources whose results watchers read at {@code /ws/sources/<id>} (default: no
         *              watcher endpoint)
         * @return this builder
         */
        public Builder sources(SourceFeeds feeds) {
            this.sources = Objects.requireNonNull(feeds, "feeds");
            return this;
        }

        /**
         * Plain HTTP on the WebSocket port next to the endpoint: read-only class path files (a web
         * page for the stream, say) and JSON documents, with a strict Content-Security-Policy.
         *
         * @param pages what to serve (default: nothing, every path is 404)
         * @return this builder
         */
        public Builder content(HttpContent pages) {
            this.content = Objects.requireNonNull(pages, "pages");
            return this;
        }

        /**
         * @param proxies peers whose {@code Forwarded} / {@code X-Forwarded-For} headers name the
         *                client (default: none)
         * @return this builder
         */
        public Builder trustedProxies(TrustedProxies proxies) {
            this.proxies = java.util.Objects.requireNonNull(proxies, "proxies");
            return this;
        }

        /**
         * @param timeout how long a connection may take to complete its WebSocket upgrade before it
         *                is closed, plain HTTP connections included (default 10 s)
         * @return this builder
         */
        public Builder handshakeTimeout(Duration timeout) {
            this.handshakeTimeout = TransportDefaults.checkHandshakeTimeout(timeout);
            return this;
        }

        /**
         * @param connections how many connections may be open at once (default: 80 % of the process'
         *                    file descriptor limit less 64); at the cap a new connection replaces the
         *                    oldest one not yet a WebSocket of the address holding the most, and is
         *                    closed at once when all are WebSockets
         * @return this builder
         */
        public Builder maxConnections(int connections) {
            this.maxConnections = TransportDefaults.checkMaxConnections(connections);
            return this;
        }

        /**
         * @param connections connections not yet WebSockets that one peer address may hold; another
         *                    one replaces its oldest (default {@value ConnectionLimits#DEFAULT_MAX_PENDING_PER_ADDRESS},
         *                    0 for no cap: behind a proxy every client has the proxy's address)
         * @return this builder
         */
        public Builder maxPendingConnectionsPerAddress(int connections) {
            this.maxPendingPerAddress = ConnectionLimits.checkMaxPendingPerAddress(connections);
            return this;
        }

        /**
         * @return a server, not yet started
         */
        public TyrusStreamingServer build() {
            return new TyrusStreamingServer(this);
        }

        /**
         * Builds and starts the server.
         *
         * @return the started server
         * @throws UncheckedIOException when the port cannot be bound
         */
        public TyrusStreamingServer start() {
            try {
                return build().start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
