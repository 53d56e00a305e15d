package io.streaminfer.jetty;

import io.streaminfer.core.StreamEngine;
import io.streaminfer.protocol.AccessPolicy;
import io.streaminfer.protocol.ConnectionLimits;
import io.streaminfer.protocol.HttpContent;
import io.streaminfer.websocket.StreamEndpoint;
import io.streaminfer.websocket.SourceWatchEndpoint;
import io.streaminfer.core.SourceFeeds;
import io.streaminfer.protocol.HandshakeCheck;
import io.streaminfer.websocket.StrictEndpointConfig;
import io.streaminfer.protocol.TransportServer;
import io.streaminfer.protocol.TrustedProxies;
import io.streaminfer.protocol.TransportDefaults;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.thread.Scheduler;
import org.eclipse.jetty.websocket.core.WebSocketConnection;
import org.eclipse.jetty.websocket.core.WebSocketExtensionRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.Session;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.websocket.jakarta.common.JakartaWebSocketSession;
import org.eclipse.jetty.ee10.websocket.jakarta.server.JakartaWebSocketServerContainer;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code STREAM_SERVER=jetty}: the very same {@link StreamEndpoint} hosted by Jetty 12
 * ({@code jetty-ee10-websocket-jakarta-server}), with the limits and errors of the Tyrus runtime:
 * origins refused with 403 and missing tokens with 401 at the handshake, the frame size limit,
 * the web console and {@code /api/pipelines} on the same port, and a graceful stop that closes
 * every session with 1001.
 */
public final class JettyStreamingServer implements TransportServer {

    /** How long Jetty keeps a connection nobody reads from or writes to after the engine's own idle timeout. */
    private static final Duration IDLE_BACKSTOP = Duration.ofSeconds(30);
    /** Threads kept when idle. */
    private static final int MIN_THREADS = 8;
    /** How long a thread above the minimum may idle before it ends. */
    static final Duration THREAD_IDLE_TIMEOUT = Duration.ofSeconds(5);

    private static final System.Logger LOG = System.getLogger(JettyStreamingServer.class.getName());

    private final StreamEngine engine;
    private final Server server;
    private final ServerConnector connector;

    private JettyStreamingServer(StreamEngine engine, Server server, ServerConnector connector) {
        this.engine = engine;
        this.server = server;
        this.connector = connector;
    }

    /**
     * Binds and starts with the default transport limits.
     *
     * @param engine  the engine that serves the sessions
     * @param host    the address to bind
     * @param port    the port, 0 for any free port
     * @param access  who may open streams
     * @param content plain HTTP pages served next to the endpoint
     * @return the running server
     * @throws IOException when the port cannot be bound or the endpoint not deployed
     */
    public static JettyStreamingServer start(StreamEngine engine, String host, int port, AccessPolicy access,
                                      HttpContent content) throws IOException {
        return builder(engine).host(host).port(port).access(access).content(content).start();
    }

    /**
     * @param engine the engine that serves the sessions
     * @return a builder for a server on 0.0.0.0:8080
     */
    public static Builder builder(StreamEngine engine) {
        return new Builder(engine);
    }

    private static JettyStreamingServer start(Builder b) throws IOException {
        StreamEngine engine = b.engine;
        // bounded, and shrinking back within one idle timeout once a burst (of slowloris
        // connections, say) is over: Jetty's default evicts one idle thread per minute
        QueuedThreadPool threads = new QueuedThreadPool(b.maxThreads, MIN_THREADS, (int) THREAD_IDLE_TIMEOUT.toMillis());
        threads.setMaxEvictCount(b.maxThreads);
        threads.setName("jetty-stream");
        Server server = new Server(threads);
        server.setStopTimeout(0); // the engine drains sessions before Jetty stops
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        // ends connections in order: Jetty closes as soon as an error close frame is out (LingeringConnector)
        ServerConnector connector = new LingeringConnector(server, new HttpConnectionFactory(http));
        connector.setHost(b.host);
        connector.setPort(b.port);
        // Jetty's own limit caps the total (newcomers wait in the backlog); ours caps connections not
        // yet upgraded per address, and makes room at Jetty's cap by closing the oldest of them
        ConnectionLimits pending = new ConnectionLimits(Integer.MAX_VALUE, b.maxPendingPerAddress);
        HandshakeDeadline deadlines = new HandshakeDeadline(b.handshakeTimeout, connector, pending);
        connector.addEventListener(deadlines);
        server.addConnector(connector);
        server.addBean(new LoggedConnectionLimit(b.maxConnections, connector, pending));
        server.setErrorHandler(new QuietErrorHandler());

        ServletContextHandler context = new ServletContextHandler("/");
        context.setErrorHandler(new QuietServletErrorHandler());
        context.addServlet(new ServletHolder("pages", new PagesServlet(b.content)), "/");
        Duration idle = engine.config().idleTimeout().plus(IDLE_BACKSTOP);
        long limit = engine.config().maxFrameBytes();
        JakartaWebSocketServletContainerInitializer.configure(context, (servletContext, container) -> {
            WebSocketExtensionRegistry extensions = ((JakartaWebSocketServerContainer) container).getExtensionRegistry();
            for (String name : List.copyOf(extensions.getAvailableExtensionNames())) {
                extensions.unregister(name); // no permessage-deflate (decompression bombs), nor any other
            }
            extensions.register(JettyFrameGuard.NAME, JettyFrameGuard.class);
            container.setDefaultMaxBinaryMessageBufferSize(StreamEndpoint.receiveLimit(limit));
            container.setDefaultMaxTextMessageBufferSize(StreamEndpoint.MAX_TEXT_MESSAGE_CHARS);
            container.setDefaultMaxSessionIdleTimeout(idle.toMillis());
            container.addEndpoint(StrictEndpointConfig.of(
                    StreamEndpoint.config(engine, JettyStreamingServer::remoteAddress, b.access, b.proxies,
                            JettyStreamingServer::abortIfStillOpen),
                    List.of(JettyFrameGuard.negotiated(limit)),
                    session -> session.getUserProperties().put(JettyFrameGuard.BUDGET_KEY, engine.memoryBudget())));
            if (b.sources != null) {
                container.addEndpoint(StrictEndpointConfig.of(SourceWatchEndpoint.config(b.sources, b.access, engine,
                        JettyStreamingServer::remoteAddress, b.proxies),
                        List.of(), session -> { }));
            }
        });
        server.setHandler(new HandshakeGuard(engine, b.access, deadlines, context));
        try {
            server.start();
        } catch (IOException e) {
            stopQuietly(server);
            throw e;
        } catch (Exception e) {
            stopQuietly(server);
            throw new IOException("Jetty did not start: " + e.getMessage(), e);
        }
        return new JettyStreamingServer(engine, server, connector);
    }

    @Override
    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public boolean stop(Duration grace) {
        boolean graceful = engine.shutdown(grace);
        stopQuietly(server);
        return graceful;
    }

    private static void stopQuietly(Server server) {
        try {
            server.stop();
        } catch (Exception e) {
            System.getLogger(JettyStreamingServer.class.getName())
                    .log(System.Logger.Level.WARNING, "Jetty did not stop cleanly: " + e);
        }
    }

    private static String remoteAddress(Session session) {
        if (session instanceof JakartaWebSocketSession jetty) {
            SocketAddress address = jetty.getCoreSession().getRemoteAddress();
            if (address instanceof InetSocketAddress inet) {
                return inet.getAddress() == null ? inet.getHostString() : inet.getAddress().getHostAddress();
            }
        }
        return "unknown";
    }

    /**
     * Cuts the connection of a session the engine closed two seconds ago: Jetty queues the
     * close frame behind answers a client that stopped reading never takes, stops reading from it,
     * and would otherwise keep it until its idle timeout.
     */
    private static void abortIfStillOpen(Session session) {
        if (session instanceof JakartaWebSocketSession jetty) {
            // Jetty's session state already reads CLOSED once it queued its close frame, while the
            // connection stays up: abort regardless (a no-op on a connection that is gone)
            jetty.getCoreSession().abort();
        }
    }

    /**
     * Checks WebSocket handshakes before Jetty upgrades them, as the Tyrus runtime does: 503 with
     * {@code Retry-After} while the engine drains, 400 (426) for a malformed handshake or one whose
     * headers or path could be read two ways ({@link HandshakeCheck}), 401 without the token (the Jakarta API
     * alone could only accept and then close with 1008), 403 for a source's watcher from another
     * site's page ({@link AccessPolicy#watcherOriginAllowed}).
     */
    private static final class HandshakeGuard extends Handler.Wrapper {
        private final StreamEngine engine;
        private final AccessPolicy access;
        private final HandshakeDeadline deadlines;

        HandshakeGuard(StreamEngine engine, AccessPolicy access, HandshakeDeadline deadlines, Handler next) {
            super(next);
            this.engine = engine;
            this.access = access;
            this.deadlines = deadlines;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            HttpFields headers = request.getHeaders();
            // every line of a header: Jetty upgrades on any Upgrade line naming websocket, not only the first
            if (HandshakeCheck.isWebSocketUpgrade(headers::getValuesList)) {
                Optional<HandshakeCheck.Refusal> refusal = engine.isDraining() ? Optional.of(HandshakeCheck.draining())
                        : HandshakeCheck.check(request.getMethod(), request.getConnectionMetaData().getHttpVersion().asString(),
                                request.getHttpURI().getPathQuery(), headers::getValuesList);
                if (refusal.isPresent()) {
                    refusal.get().headers().forEach((name, value) -> response.getHeaders().put(name, value));
                    return answer(response, callback, refusal.get().status(), refusal.get().detail());
                }
                if (access.tokenRequired() && !access.authorized(headers(request), parameters(request))) {
                    response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
                    return answer(response, callback, 401, "a valid token is required");
                }
                // the path as sent is the path Jetty routes on: HandshakeCheck refused escapes and dot segments
                String path = request.getHttpURI().getPath();
                if (path != null && path.startsWith(SourceFeeds.PATH_PREFIX)
                        && !access.watcherOriginAllowed(headers.get(HttpHeader.ORIGIN), headers.get(HttpHeader.HOST))) {
                    return answer(response, callback, 403, AccessPolicy.WATCHER_ORIGIN_REFUSED); // checkOrigin knows no Host
                }
                EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
                request.addHttpStreamWrapper(stream -> new UpgradeCommit(stream, () -> deadlines.upgrading(endPoint)));
            }
            return super.handle(request, response, callback);
        }

        private static boolean answer(Response response, Callback callback, int status, String detail) {
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
            response.write(true, ByteBuffer.wrap((detail + "\n").getBytes(StandardCharsets.UTF_8)), callback);
            return true;
        }

        private static Map<String, List<String>> headers(Request request) {
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (HttpField field : request.getHeaders()) {
                headers.computeIfAbsent(field.getName(), k -> new ArrayList<>()).add(field.getValue());
            }
            return headers;
        }

        private static Map<String, List<String>> parameters(Request request) {
            Map<String, List<String>> parameters = new LinkedHashMap<>();
            Fields fields = Request.extractQueryParameters(request);
            fields.forEach(field -> parameters.put(field.getName(), field.getValues()));
            return parameters;
        }
    }

    /**
     * Tells when Jetty commits a 101 on the connection: from then on the client holds a WebSocket
     * (Jetty ends the HTTP connection only once the 101 is written), which eviction must not close.
     * Any other answer to a handshake (a page, 403 for an origin, 404) leaves the connection
     * pending, evictable like any idle one.
     */
    private static final class UpgradeCommit extends HttpStream.Wrapper {
        private final Runnable upgrading;

        UpgradeCommit(HttpStream stream, Runnable upgrading) {
            super(stream);
            this.upgrading = upgrading;
        }

        @Override
        public void send(MetaData.Request request, MetaData.Response response, boolean last, ByteBuffer content,
                         Callback callback) {
            if (response != null && response.getStatus() == HttpStatus.SWITCHING_PROTOCOLS_101) {
                upgrading.run(); // the response head, sent once, with the status Jetty commits
            }
            super.send(request, response, last, content, callback);
        }
    }

    /**
     * Closes a connection that is still plain HTTP when the handshake timeout passes: a client
     * that never completes (or never starts) its upgrade, slowloris included, cannot hold a
     * connection longer; and books it with the {@link ConnectionLimits} of connections not yet
     * upgraded, which close an address's oldest past its cap. The HTTP connection ends when Jetty
     * upgrades it (its listeners hear {@code onClosed}), so a WebSocket is never in those books.
     */
    private static final class HandshakeDeadline implements Connection.Listener {
        private final Duration timeout;
        private final Connector connector;
        private final ConnectionLimits pending;
        private final Map<EndPoint, ConnectionLimits.Ticket> tickets = new ConcurrentHashMap<>();

        HandshakeDeadline(Duration timeout, Connector connector, ConnectionLimits pending) {
            this.timeout = timeout;
            this.connector = connector;
            this.pending = pending;
        }

        /**
         * Jetty is sending the 101 of this connection's handshake: it is no longer one a crowded
         * address may lose (its handshake deadline still holds until Jetty swaps the connection).
         */
        void upgrading(EndPoint endPoint) {
            ConnectionLimits.Ticket ticket = tickets.get(endPoint);
            if (ticket != null) {
                ticket.upgraded();
            }
        }

        @Override
        public void onOpened(Connection connection) {
            if (connection instanceof WebSocketConnection) {
                return;
            }
            EndPoint endPoint = connection.getEndPoint();
            ConnectionLimits.Decision decision = pending.admit(ConnectionLimits.addressOf(endPoint.getRemoteSocketAddress()), endPoint::close);
            decision.closeEvicted();
            ConnectionLimits.Ticket ticket = decision.admitted(); // never refused: Jetty's own limit caps the total
            tickets.put(endPoint, ticket);
            Scheduler.Task deadline = connector.getScheduler().schedule(() -> {
                if (endPoint.getConnection() == connection && endPoint.isOpen()) {
                    endPoint.close(); // still not a WebSocket: the handshake timed out
                }
            }, timeout.toMillis(), TimeUnit.MILLISECONDS);
            connection.addEventListener(new Connection.Listener() {
                @Override
                public void onClosed(Connection closed) {
                    deadline.cancel();
                    tickets.remove(endPoint);
                    ticket.closed(); // closed, or upgraded: no longer pending either way
                }
            });
        }
    }

    /**
     * Jetty's connection limit: at the cap it stops accepting (new connections wait in the
     * kernel's backlog) until some end, and the oldest connection not yet a WebSocket of the
     * address holding the most is closed to make room, so a crowd of idle connections cannot hold
     * the backlog up for a whole handshake timeout. Reaching it is logged at most once a minute:
     * at the cap, every connection that ends lets one in and the next reaches it again.
     */
    private static final class LoggedConnectionLimit extends NetworkConnectionLimit {
        private static final long LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);
        private final int max;
        private final Connector connector;
        private final ConnectionLimits pending;
        /** How soon room is looked for again while the cap holds and no connection could be closed. */
        private static final long RETRY_MS = 100;
        private long lastLoggedNanos;
        private boolean logged;
        private volatile boolean limited;

        LoggedConnectionLimit(int max, Connector connector, ConnectionLimits pending) {
            super(max, connector);
            this.max = max;
            this.connector = connector;
            this.pending = pending;
        }

        @Override
        protected void limit() {
            long now = System.nanoTime();
            if (!logged || now - lastLoggedNanos >= LOG_INTERVAL_NANOS) {
                logged = true;
                lastLoggedNanos = now;
                LOG.log(System.Logger.Level.WARNING, "connection_limit_reached: " + max
                        + " connections are open; new connections wait until some end, and the oldest connection"
                        + " not yet a WebSocket is closed to make room (logged at most once a minute)");
            }
            super.limit();
            limited = true;
            // called under Jetty's lock, which the close's onClosed takes again: close from another thread
            connector.getExecutor().execute(this::makeRoom);
        }

        @Override
        protected void unlimit() {
            limited = false;
            super.unlimit();
        }

        /**
         * Closes the oldest connection not yet a WebSocket; while the cap holds and there is none,
         * tries again shortly: the connections that reached the cap are booked when Jetty opens
         * them, which may come after this (seen in CI: nothing to evict, and the backlog waited for
         * the handshake timeout).
         */
        private void makeRoom() {
            if (limited && !pending.evictOnePending()) {
                connector.getScheduler().schedule(() -> connector.getExecutor().execute(this::makeRoom),
                        RETRY_MS, TimeUnit.MILLISECONDS);
            }
        }
    }

    /** Error pages with the status and its phrase only: Jetty's echo the request URI, token included. */
    private static final class QuietErrorHandler extends ErrorHandler {
        @Override
        protected boolean generateAcceptableResponse(Request request, Response response, Callback callback, String contentType,
                                                     List<Charset> charsets, int code, String message, Throwable cause) {
            return writePlain(response, callback, code);
        }

        @Override
        public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
            fields.put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
            return ByteBuffer.wrap(plain(status));
        }
    }

    /** The same for errors inside the servlet context (404 of the pages servlet, say). */
    private static final class QuietServletErrorHandler extends org.eclipse.jetty.ee10.servlet.ErrorHandler {
        @Override
        protected boolean generateAcceptableResponse(Request request, Response response, Callback callback, String contentType,
                                                     List<Charset> charsets, int code, String message, Throwable cause) {
            return writePlain(response, callback, code);
        }
    }

    private static boolean writePlain(Response response, Callback callback, int code) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.write(true, ByteBuffer.wrap(plain(code)), callback);
        return true;
    }

    private static byte[] plain(int code) {
        return (code + " " + HttpStatus.getMessage(code) + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** {@link HttpContent} as a servlet. */
    private static final class PagesServlet extends HttpServlet {
        private final transient HttpContent content;

        PagesServlet(HttpContent content) {
            this.content = content;
        }

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            HttpContent.Credentials credentials = new HttpContent.Credentials(
                    java.util.Collections.list(request.getHeaders("Authorization")), request.getQueryString());
            content.serve(request.getMethod(), request.getRequestURI(), credentials, new HttpContent.Response() {
                @Override
                public void header(String name, String value) {
                    response.setHeader(name, value);
                }

                @Override
                public void error(int status) throws IOException {
                    response.sendError(status);
                }

                @Override
                public void page(String contentType, byte[] body, boolean withBody) throws IOException {
                    response.setContentType(contentType);
                    response.setContentLength(body.length);
                    if (withBody) {
                        response.getOutputStream().write(body);
                    }
                }
            });
        }
    }

    /** Collects the server's settings. Not thread-safe. */
    public static final class Builder {
        private final StreamEngine engine;
        private String host = "0.0.0.0";
        private int port = 8080;
        private AccessPolicy access = AccessPolicy.open();
        private TrustedProxies proxies = TrustedProxies.none();
        private HttpContent content = HttpContent.none();
        private SourceFeeds sources;
        private Duration handshakeTimeout = TransportDefaults.HANDSHAKE_TIMEOUT;
        private int maxConnections = TransportDefaults.maxConnections();
        private int maxPendingPerAddress = ConnectionLimits.DEFAULT_MAX_PENDING_PER_ADDRESS;
        private int maxThreads = 200;

        private Builder(StreamEngine engine) {
            this.engine = Objects.requireNonNull(engine, "engine");
        }

        /** @param host the address to bind @return this builder */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** @param port the port, 0 for any free port @return this builder */
        public Builder port(int port) {
            this.port = port;
            return this;
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

        /**
         * @param feeds sources whose results watchers read at {@code /ws/sources/<id>} (default: no
         *              watcher endpoint)
         * @return this builder
         */
        public Builder sources(SourceFeeds feeds) {
            this.sources = Objects.requireNonNull(feeds, "feeds");
            return this;
        }

        /** @param content plain HTTP pages next to the endpoint (default: none) @return this builder */
        public Builder content(HttpContent content) {
            this.content = Objects.requireNonNull(content, "content");
            return this;
        }

        /**
         * @param timeout how long a connection may stay plain HTTP before it is closed (default 10 s)
         * @return this builder
         */
        public Builder handshakeTimeout(Duration timeout) {
            this.handshakeTimeout = TransportDefaults.checkHandshakeTimeout(timeout);
            return this;
        }

        /**
         * @param connections connections open at once (default: 80 % of the process' file descriptor
         *                    limit less 64); at the cap Jetty stops accepting until some end, and the
         *                    oldest connection not yet a WebSocket of the address holding the most is
         *                    closed to make room
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
         * @param threads Jetty's thread pool maximum (default 200); threads above 8 end after 5 s idle
         * @return this builder
         */
        public Builder maxThreads(int threads) {
            if (threads < MIN_THREADS) {
                throw new IllegalArgumentException("maxThreads must be at least " + MIN_THREADS + ", got " + threads);
            }
            this.maxThreads = threads;
            return this;
        }

        /**
         * @return the running server
         * @throws IOException when the port cannot be bound or the endpoint not deployed
         */
        public JettyStreamingServer start() throws IOException {
            return JettyStreamingServer.start(this);
        }
    }
}
