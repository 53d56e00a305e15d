package io.streaminfer.app;

import io.streaminfer.protocol.PipelinesJson;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streaminfer.core.SessionStats;
import io.streaminfer.core.StreamEngine;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The management HTTP listener, separate from the WebSocket port so it can stay private:
 * {@code /health}, {@code /ready}, {@code /metrics} (Prometheus), {@code /pipelines},
 * {@code /sessions} and {@code /sources}, read with GET and HEAD; and the requests that change
 * something, all with the management token: {@code POST /pipelines/reload}, and {@code POST /sources}
 * and {@code DELETE /sources/<id>} ({@link SourcesApi}). Every such request first passes the
 * {@link CrossSiteGuard} (403 {@code cross_site}, 415), token or not, so that no web page can make
 * a browser send one; preflights get 405 and never an {@code Access-Control-Allow-*} header.
 *
 * <p>It must answer probes whatever other clients do, so it runs on Jetty's non-blocking
 * connector with its own small thread pool: an idle or half-sent request holds no thread, a
 * connection that makes no progress for {@link #IDLE_TIMEOUT} is closed, and at most
 * {@link #MAX_CONNECTIONS} are open at once (at the limit, idle ones are cut sooner). No
 * {@code Server} header, and error pages never repeat the request. {@code /sessions} lists client
 * addresses and a reload changes what the server runs, so {@link ManagementAccess} guards both;
 * the probes' and scraper's endpoints stay open.
 */
final class ManagementServer implements AutoCloseable {

    /** Threads of the listener: one acceptor, one selector, the rest answer requests. */
    static final int MAX_THREADS = 8;
    /** How long a connection may make no progress (no byte read or written) before it is closed. */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(5);
    /** Connections open at once; far above what probes and scrapers need. */
    static final int MAX_CONNECTIONS = 128;
    /** The idle timeout of every connection while the limit is reached. */
    static final Duration IDLE_TIMEOUT_AT_LIMIT = Duration.ofSeconds(1);
    /**
     * How long any connection may stay open, busy or not: a probe or a scrape takes milliseconds,
     * and a client that trickles one byte at a time (never idle for {@link #IDLE_TIMEOUT}) must
     * not keep its slot. Keep-alive clients simply reconnect.
     */
    static final Duration CONNECTION_LIFETIME = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(ManagementServer.class);
    private static final String JSON = "application/json";
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final List<String> ENDPOINTS = List.of("/health", "/ready", "/metrics", "/pipelines", "/sessions",
            "/sources", "POST " + PipelineReloadEndpoint.PATH);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Server server;
    private final ServerConnector connector;

    /** Where the server is in its life, as {@code /ready} reports it. */
    enum Lifecycle {
        /** Listeners and pipelines are not all up yet. */
        STARTING,
        /** Serving streams. */
        READY,
        /** Shutting down: no new sessions. */
        STOPPING
    }

    private ManagementServer(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    /**
     * Binds and starts.
     *
     * @param host      the address to bind
     * @param port      the port, 0 for any free port
     * @param access    who may read {@code /sessions}
     * @param metrics   what {@code /metrics} exposes
     * @param engine    the engine whose pipelines and sessions are listed
     * @param lifecycle what {@code /ready} reports
     * @param sources   the {@code /sources} API
     * @param reload    what {@code POST /pipelines/reload} runs
     * @return the running listener
     * @throws IOException when the port cannot be bound
     */
    static ManagementServer start(String host, int port, ManagementAccess access, PrometheusMeterRegistry metrics,
                                  StreamEngine engine, Supplier<Lifecycle> lifecycle, SourcesApi sources,
                                  Supplier<PipelineReloads.Outcome> reload) throws IOException {
        QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 2, (int) Duration.ofSeconds(30).toMillis());
        threads.setName("management-http");
        threads.setDaemon(true);
        Server server = new Server(threads);
        server.setStopTimeout(0);

        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(8 * 1024);
        ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
        connector.addEventListener(new LifetimeLimit(connector));
        server.addConnector(connector);
        NetworkConnectionLimit limit = new NetworkConnectionLimit(MAX_CONNECTIONS, connector);
        limit.setEndPointIdleTimeout(IDLE_TIMEOUT_AT_LIMIT.toMillis());
        server.addBean(limit);

        server.setErrorHandler(new PlainErrorHandler());
        server.setHandler(new Endpoints(access, metrics, engine, lifecycle, sources, reload));
        try {
            server.start();
        } catch (IOException e) {
            stopQuietly(server);
            throw e;
        } catch (Exception e) {
            stopQuietly(server);
            throw new IOException("the management listener did not start: " + e.getMessage(), e);
        }
        return new ManagementServer(server, connector);
    }

    /** Closes every connection {@link #CONNECTION_LIFETIME} after it opened. */
    private static final class LifetimeLimit implements org.eclipse.jetty.io.Connection.Listener {
        private final ServerConnector connector;

        LifetimeLimit(ServerConnector connector) {
            this.connector = connector;
        }

        @Override
        public void onOpened(org.eclipse.jetty.io.Connection connection) {
            org.eclipse.jetty.io.EndPoint endPoint = connection.getEndPoint();
            org.eclipse.jetty.util.thread.Scheduler.Task deadline = connector.getScheduler().schedule(
                    endPoint::close, CONNECTION_LIFETIME.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            connection.addEventListener(new org.eclipse.jetty.io.Connection.Listener() {
                @Override
                public void onClosed(org.eclipse.jetty.io.Connection closed) {
                    deadline.cancel();
                }
            });
        }
    }

    /** @return the bound port */
    int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() {
        stopQuietly(server);
    }

    private static void stopQuietly(Server server) {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("the management listener did not stop cleanly: {}", e.toString());
        }
    }

    /** The endpoints. Every answer is JSON or Prometheus text, never cached. */
    static final class Endpoints extends Handler.Abstract {

        private final ManagementAccess access;
        private final PrometheusMeterRegistry metrics;
        private final StreamEngine engine;
        private final Supplier<Lifecycle> lifecycle;
        private final SourcesApi sources;
        private final Supplier<PipelineReloads.Outcome> reload;

        Endpoints(ManagementAccess access, PrometheusMeterRegistry metrics, StreamEngine engine,
                  Supplier<Lifecycle> lifecycle, SourcesApi sources, Supplier<PipelineReloads.Outcome> reload) {
            this.access = access;
            this.metrics = metrics;
            this.engine = engine;
            this.lifecycle = lifecycle;
            this.sources = sources;
            this.reload = reload;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            try {
                String path = Request.getPathInContext(request);
                if (CrossSiteGuard.mutating(request.getMethod())) {
                    java.util.Optional<CrossSiteGuard.Refusal> refusal = CrossSiteGuard.check(request.getHeaders()::getValuesList);
                    if (refusal.isPresent()) {
                        error(request, response, callback, refusal.get().status(), refusal.get().error(), refusal.get().detail());
                        return true;
                    }
                }
                if (SourcesApi.handles(path)) {
                    sources.handle(request, response, callback, path);
                    return true;
                }
                if (PipelineReloadEndpoint.PATH.equals(path)) {
                    PipelineReloadEndpoint.handle(request, response, callback, access, reload);
                    return true;
                }
                if (!HttpMethod.GET.is(request.getMethod()) && !HttpMethod.HEAD.is(request.getMethod())) {
                    methodNotAllowed(request, response, callback, "GET, HEAD");
                    return true;
                }
                switch (Request.getPathInContext(request)) {
                    case "/health" -> send(request, response, callback, 200, JSON, json(Map.of("status", "up")));
                    case "/ready" -> {
                        Lifecycle state = lifecycle.get();
                        java.util.Optional<String> engineProblem = engine.notReadyReason();
                        if (state == Lifecycle.READY && engineProblem.isPresent()) {
                            // e.g. every worker stuck in a pipeline that ignores the timeout: send clients elsewhere
                            send(request, response, callback, 503, JSON,
                                    json(Map.of("status", "degraded", "reason", engineProblem.get())));
                        } else {
                            send(request, response, callback, state == Lifecycle.READY ? 200 : 503, JSON,
                                    json(Map.of("status", state.name().toLowerCase(Locale.ROOT))));
                        }
                    }
                    case "/metrics" -> send(request, response, callback, 200, PROMETHEUS_TEXT, metrics.scrape());
                    case "/pipelines" -> send(request, response, callback, 200, JSON, PipelinesJson.of(engine.registry(),
                            id -> io.streaminfer.pipeline.Pipelines.sinks(engine.registry()).stream()
                                    .filter(sink -> sink.pipeline().equals(id))
                                    .map(sink -> sink.name() + ": " + sink.sink().describe()).toList()));
                    case "/sessions" -> guarded(request, response, callback);
                    default -> send(request, response, callback, 404, JSON,
                            json(Map.of("error", "not_found", "endpoints", ENDPOINTS)));
                }
            } catch (RuntimeException | IOException e) {
                LOG.warn("management request failed", e);
                Response.writeError(request, response, callback, HttpStatus.INTERNAL_SERVER_ERROR_500);
            }
            return true;
        }

        private void guarded(Request request, Response response, Callback callback) throws JsonProcessingException {
            if (refused(access, request, response, callback)) {
                return;
            }
            send(request, response, callback, 200, JSON, json(engine.sessions().stream().map(Endpoints::describe).toList()));
        }

        /**
         * Answers 401 or 403 when the request may not use a guarded endpoint ({@link ManagementAccess#check},
         * then {@link ManagementAccess#hostAllowed}); {@literal false} when it may.
         */
        static boolean refused(ManagementAccess access, Request request, Response response, Callback callback)
                throws JsonProcessingException {
            switch (access.check(request.getHeaders().get(HttpHeader.AUTHORIZATION))) {
                case ALLOWED -> {
                    if (access.hostAllowed(request.getHeaders().get(HttpHeader.HOST))) {
                        return false;
                    }
                    send(request, response, callback, HttpStatus.FORBIDDEN_403, JSON, json(Map.of(
                            "error", "forbidden",
                            "detail", "without STREAM_MANAGEMENT_TOKEN this listener takes such requests only when they are"
                                    + " addressed to 127.0.0.1, [::1] or localhost, never by another name (a web page could"
                                    + " point a name of its own at this machine)")));
                }
                case UNAUTHORIZED -> {
                    response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"management\"");
                    send(request, response, callback, HttpStatus.UNAUTHORIZED_401, JSON, json(Map.of(
                            "error", "unauthorized",
                            "detail", "send the management token as Authorization: Bearer <token>")));
                }
                case FORBIDDEN -> send(request, response, callback, HttpStatus.FORBIDDEN_403, JSON,
                        json(Map.of("error", "forbidden", "detail", access.closedReason())));
            }
            return true;
        }

        private static Map<String, Object> describe(SessionStats s) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("session_id", s.sessionId());
            json.put("pipeline_id", s.pipelineId());
            json.put("remote", s.remoteAddress());
            json.put("age_s", Math.round(s.ageNanos() / 1e7) / 100.0);
            json.put("received", s.received());
            json.put("processed", s.processed());
            json.put("dropped", s.dropped());
            json.put("failed", s.failed());
            json.put("drop_rate", s.dropRate());
            json.put("state", s.state().name().toLowerCase(Locale.ROOT));
            json.put("pipeline_ms_p50", s.pipelineMillisP50());
            json.put("pipeline_ms_p99", s.pipelineMillisP99());
            json.put("recommended_fps", s.recommendedFps());
            json.put("slow_downs", s.slowDowns());
            return json;
        }

        /** Answers 405 with {@code Allow} and {@code {"error": "method_not_allowed"}}. */
        static void methodNotAllowed(Request request, Response response, Callback callback, String allow)
                throws JsonProcessingException {
            response.getHeaders().put(HttpHeader.ALLOW, allow);
            send(request, response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, JSON, json(Map.of("error", "method_not_allowed")));
        }

        static String json(Object value) throws JsonProcessingException {
            return MAPPER.writeValueAsString(value);
        }

        /** Answers {@code {"error": code, "detail": detail}}. */
        static void error(Request request, Response response, Callback callback, int status, String code, String detail)
                throws JsonProcessingException {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", code);
            body.put("detail", detail);
            send(request, response, callback, status, JSON, json(body));
        }

        /**
         * Reads a request's body of at most {@code limit} bytes, then hands it on; never holds more
         * than the limit, whatever the client sends ({@link BoundedBody}). A body over the limit is
         * answered 413 {@code too_large} with {@code detail} and the connection closed.
         *
         * @param limit  the largest body taken, in bytes
         * @param detail the sentence of the 413, naming the limit
         * @param then   what to do with the whole body; runs on this thread or on the one that read its last bytes
         */
        static void readBody(Request request, Response response, Callback callback, int limit, String detail,
                             BoundedBody.Reader then) {
            BoundedBody.read(request, response, callback, limit, detail, then);
        }

        static void send(Request request, Response response, Callback callback, int status, String contentType,
                                 String body) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
            boolean head = HttpMethod.HEAD.is(request.getMethod());
            response.write(true, head ? null : ByteBuffer.wrap(bytes), callback);
        }
    }

    /**
     * Error pages Jetty writes itself (a malformed request, a URI or headers too long, a failure):
     * the status as a JSON code, never the reason Jetty gives, which can quote the request.
     */
    private static final class PlainErrorHandler extends ErrorHandler {

        @Override
        protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                        Callback callback) {
            String reason = HttpStatus.getMessage(code).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON);
            response.write(true, ByteBuffer.wrap(("{\"error\":\"" + reason + "\"}").getBytes(StandardCharsets.UTF_8)),
                    callback);
        }
    }
}
