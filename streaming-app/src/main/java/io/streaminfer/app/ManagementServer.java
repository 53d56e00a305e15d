package io.streaminfer.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streaminfer.core.SessionStats;
import io.streaminfer.core.StreamEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The management HTTP listener, separate from the WebSocket port so it can stay private:
 * {@code /health}, {@code /ready}, {@code /metrics} (Prometheus), {@code /pipelines} and
 * {@code /sessions}. Read-only; GET and HEAD only.
 */
final class ManagementServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ManagementServer.class);
    private static final String JSON = "application/json";
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor;
    private final ObjectMapper mapper = new ObjectMapper();
    private final PrometheusMeterRegistry metrics;
    private final StreamEngine engine;
    private final Supplier<Lifecycle> lifecycle;

    /** Where the server is in its life, as {@code /ready} reports it. */
    enum Lifecycle {
        /** Listeners and pipelines are not all up yet. */
        STARTING,
        /** Serving streams. */
        READY,
        /** Shutting down: no new sessions. */
        STOPPING
    }

    private ManagementServer(HttpServer server, PrometheusMeterRegistry metrics, StreamEngine engine,
                             Supplier<Lifecycle> lifecycle) {
        this.server = server;
        this.metrics = metrics;
        this.engine = engine;
        this.lifecycle = lifecycle;
        this.executor = Executors.newFixedThreadPool(2, task -> {
            Thread thread = new Thread(task, "management-http");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    static ManagementServer start(String host, int port, PrometheusMeterRegistry metrics, StreamEngine engine,
                                  Supplier<Lifecycle> lifecycle) throws IOException {
        ManagementServer management = new ManagementServer(
                HttpServer.create(new InetSocketAddress(host, port), 16), metrics, engine, lifecycle);
        management.server.start();
        return management;
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!"GET".equals(method) && !"HEAD".equals(method)) {
                exchange.getResponseHeaders().add("Allow", "GET, HEAD");
                respond(exchange, 405, JSON, json(Map.of("error", "method_not_allowed")));
                return;
            }
            switch (exchange.getRequestURI().getPath()) {
                case "/health" -> respond(exchange, 200, JSON, json(Map.of("status", "up")));
                case "/ready" -> ready(exchange);
                case "/metrics" -> respond(exchange, 200, PROMETHEUS_TEXT, metrics.scrape());
                case "/pipelines" -> respond(exchange, 200, JSON, PipelinesJson.of(engine.registry()));
                case "/sessions" -> respond(exchange, 200, JSON, json(sessions()));
                default -> respond(exchange, 404, JSON, json(Map.of("error", "not_found",
                        "endpoints", List.of("/health", "/ready", "/metrics", "/pipelines", "/sessions"))));
            }
        } catch (RuntimeException e) {
            LOG.warn("management request failed", e);
        }
    }

    private void ready(HttpExchange exchange) throws IOException {
        Lifecycle state = lifecycle.get();
        respond(exchange, state == Lifecycle.READY ? 200 : 503, JSON,
                json(Map.of("status", state.name().toLowerCase(java.util.Locale.ROOT))));
    }

    private List<Map<String, Object>> sessions() {
        return engine.sessions().stream().map(ManagementServer::describe).toList();
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
        json.put("state", s.state().name().toLowerCase(java.util.Locale.ROOT));
        json.put("pipeline_ms_p50", s.pipelineMillisP50());
        json.put("pipeline_ms_p99", s.pipelineMillisP99());
        json.put("recommended_fps", s.recommendedFps());
        json.put("slow_downs", s.slowDowns());
        return json;
    }

    private String json(Object value) throws IOException {
        return mapper.writeValueAsString(value);
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
