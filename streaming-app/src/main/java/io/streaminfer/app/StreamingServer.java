package io.streaminfer.app;

import io.streaminfer.protocol.PipelinesJson;
import io.streaminfer.protocol.TransportServer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micrometer.core.instrument.FunctionCounter;
import io.streaminfer.micrometer.MicrometerStreamListener;
import io.streaminfer.core.PipelineInfo;
import io.streaminfer.jetty.JettyStreamingServer;
import io.streaminfer.netty.NettyStreamingServer;
import io.streaminfer.core.StreamEngine;
import io.streaminfer.core.StreamListener;
import io.streaminfer.pipeline.PipelineFileException;
import io.streaminfer.pipeline.PipelineOptions;
import io.streaminfer.sources.SourceDefinition;
import io.streaminfer.sources.SourceFileException;
import io.streaminfer.sources.SourceManager;
import io.streaminfer.sources.SourceRefusedException;
import io.streaminfer.sources.SourceSettings;
import io.streaminfer.sources.SourcesFile;
import io.streaminfer.pipeline.Pipelines;
import io.streaminfer.pipeline.ReloadablePipelines;
import io.streaminfer.tyrus.TyrusStreamingServer;
import io.streaminfer.protocol.HttpContent;
import io.streaminfer.websocket.StreamEndpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The composition root: the built-in pipelines, the engine, metrics, the WebSocket server (Tyrus,
 * Jetty or Netty, {@code STREAM_SERVER}) and the
 * management listener, wired from {@link ServerSettings}. {@link StreamingServerMain} runs
 * one; tests start one on ephemeral ports.
 */
public final class StreamingServer implements AutoCloseable {

    /** The web console's files on the class path, served at {@code /} on the WebSocket port. */
    private static final String CONSOLE = "io/streaminfer/console/";
    /** The pipelines offered, for the console, on the WebSocket port. */
    private static final String PIPELINES_PATH = "/api/pipelines";
    /**
     * The sources to watch, for the console, on the WebSocket port (ids and pipelines, never URLs);
     * with {@code STREAM_AUTH_TOKEN} only for those who present it.
     */
    private static final String SOURCES_PATH = "/api/sources";

    private final ServerSettings settings;
    private final StreamEngine engine;
    private final PrometheusMeterRegistry metrics;
    private final JvmGcMetrics gcMetrics;
    private final PipelineReloads reloads;
    private volatile ManagementServer.Lifecycle lifecycle = ManagementServer.Lifecycle.STARTING;
    private final SourceManager sources;
    private final java.util.List<SourceDefinition> fromFile;
    private ManagementServer management;
    private TransportServer transport;

    private StreamingServer(ServerSettings settings) {
        this.settings = settings;
        ReloadablePipelines registry = pipelines(settings);
        try {
            this.fromFile = sourcesFile(settings, registry);
        } catch (ConfigurationException e) {
            registry.close(); // nothing else is built yet
            throw e;
        }
        this.metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new ClassLoaderMetrics().bindTo(metrics);
        new JvmMemoryMetrics().bindTo(metrics);
        this.gcMetrics = new JvmGcMetrics();
        gcMetrics.bindTo(metrics);
        new JvmThreadMetrics().bindTo(metrics);
        new ProcessorMetrics().bindTo(metrics);
        new UptimeMetrics().bindTo(metrics);
        new FileDescriptorMetrics().bindTo(metrics);
        MicrometerStreamListener streamMetrics = new MicrometerStreamListener(metrics,
                registry.pipelines().stream().map(PipelineInfo::id).toList());
        this.engine = StreamEngine.builder(registry)
                .config(settings.stream())
                .workers(settings.workers())
                .listener(StreamListener.all(new LoggingStreamListener(id -> registry.find(id).isPresent()), streamMetrics))
                .build();
        streamMetrics.bindEngine(engine);
        this.reloads = new PipelineReloads(registry, settings.pipelinesFile(), metrics, streamMetrics);
        reloads.bindMetrics();
        FunctionCounter.builder("stream.log.events.dropped", engine, e -> NonBlockingAppender.dropped())
                .description("Log events dropped so that logging never blocks (queue full, or debug under load)")
                .register(metrics);
        ServerSettings.Sources pulled = settings.sources();
        this.sources = new SourceManager(engine, SourceSettings.ofDefaults(settings.stream().maxFrameBytes())
                .withFfmpeg(pulled.ffmpeg()).withBackoff(pulled.firstBackoff(), pulled.maxBackoff())
                .withStallTimeout(pulled.stallTimeout()).withSourcesRoot(pulled.root())
                .withAllowedHosts(pulled.allowedHosts()));
        sources.addListener(new SourceMeters(metrics, sources));
    }

    /**
     * Reads and checks the sources file before anything listens: a mistake in it (or an unknown
     * pipeline) stops the start with one line, with no port bound.
     */
    private static java.util.List<SourceDefinition> sourcesFile(ServerSettings settings,
                                                                io.streaminfer.core.PipelineRegistry registry) {
        java.nio.file.Path file = settings.sources().file();
        if (file == null) {
            return java.util.List.of();
        }
        try {
            java.util.List<SourceDefinition> definitions = SourcesFile.read(file);
            for (SourceDefinition definition : definitions) {
                if (registry.find(definition.pipelineId()).isEmpty()) {
                    throw new ConfigurationException("STREAM_SOURCES", "source '" + definition.id() + "': unknown pipeline '"
                            + definition.pipelineId() + "'; known pipelines: " + registry.pipelines().stream()
                            .map(PipelineInfo::id).toList());
                }
            }
            return definitions;
        } catch (SourceFileException e) {
            throw new ConfigurationException("STREAM_SOURCES", e.getMessage());
        }
    }

    /** Starts the sources of the sources file, once the transports serve their watchers. */
    private void startSources() {
        try {
            sources.addAll(fromFile);
        } catch (SourceRefusedException e) {
            throw new ConfigurationException("STREAM_SOURCES", e.getMessage());
        }
    }

    private static ReloadablePipelines pipelines(ServerSettings settings) {
        PipelineOptions options = new PipelineOptions(settings.delay(), settings.stream().maxFramePixels(), settings.models());
        try {
            return ReloadablePipelines.of(settings.pipelinesFile(), options);
        } catch (PipelineFileException e) {
            throw new ConfigurationException("STREAM_PIPELINES", e.getMessage());
        }
    }

    /**
     * Wires and starts a server: the management listener first (it answers {@code /ready} with
     * 503 until the WebSocket server listens), then the WebSocket server.
     *
     * @param settings what to run
     * @return the running server
     * @throws UncheckedIOException when a port cannot be bound
     * @throws ConfigurationException when the pipelines file has a mistake
     */
    public static StreamingServer start(ServerSettings settings) {
        StreamingServer server = new StreamingServer(settings);
        try {
            server.management = ManagementServer.start(settings.managementHost(), settings.managementPort(),
                    settings.management(), server.metrics, server.engine, () -> server.lifecycle,
                    new SourcesApi(server.sources, settings.management()), server.reloads::reload);
            server.transport = server.startTransport();
            server.startSources();
        } catch (IOException | RuntimeException e) {
            if (server.transport != null) {
                server.transport.stop(Duration.ZERO); // a source that cannot start must not leave the port bound
            }
            server.release();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
        server.lifecycle = ManagementServer.Lifecycle.READY;
        return server;
    }

    private TransportServer startTransport() throws IOException {
        ServerSettings.Connections connections = settings.connections();
        HttpContent pages = HttpContent.of(StreamingServer.class.getClassLoader(), CONSOLE,
                Map.of(PIPELINES_PATH, () -> PipelinesJson.of(engine.registry()),
                        SOURCES_PATH, () -> consoleSources()))
                .withTokenFor(java.util.Set.of(SOURCES_PATH), settings.access()); // the stream token, as watching them needs
        if (settings.transport() == ServerSettings.Transport.NETTY) {
            NettyStreamingServer.Builder netty = NettyStreamingServer.builder(engine)
                    .host(settings.host()).port(settings.port()).access(settings.access())
                    .trustedProxies(connections.proxies()).handshakeTimeout(connections.handshakeTimeout())
                    .maxPendingConnectionsPerAddress(connections.maxPendingPerAddress())
                    .content(pages).sources(sources);
            if (connections.maxConnections() > 0) {
                netty.maxConnections(connections.maxConnections());
            }
            return netty.start();
        }
        if (settings.transport() == ServerSettings.Transport.JETTY) {
            JettyStreamingServer.Builder jetty = JettyStreamingServer.builder(engine)
                    .host(settings.host()).port(settings.port()).access(settings.access())
                    .trustedProxies(connections.proxies()).handshakeTimeout(connections.handshakeTimeout())
                    .maxPendingConnectionsPerAddress(connections.maxPendingPerAddress())
                    .content(pages).sources(sources);
            if (connections.maxConnections() > 0) {
                jetty.maxConnections(connections.maxConnections());
            }
            return jetty.start();
        }
        TyrusStreamingServer.Builder builder = TyrusStreamingServer.builder(engine)
                .host(settings.host())
                .port(settings.port())
                .access(settings.access())
                .trustedProxies(connections.proxies())
                .handshakeTimeout(connections.handshakeTimeout())
                .maxPendingConnectionsPerAddress(connections.maxPendingPerAddress())
                .maxPendingBytes(settings.maxPendingBytes())
                .content(pages)
                .sources(sources);
        if (connections.maxConnections() > 0) {
            builder.maxConnections(connections.maxConnections());
        }
        return builder.start();
    }

    private String consoleSources() {
        try {
            return SourcesApi.json(SourcesApi.forConsole(sources.statuses()));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("plain maps always encode", e);
        }
    }

    /** @return the sources the server pulls */
    public SourceManager sources() {
        return sources;
    }

    /** @return the bound WebSocket port */
    public int port() {
        return transport.port();
    }

    /** @return the bound management port */
    public int managementPort() {
        return management.port();
    }

    /** @return the stream endpoint's URI as clients on this machine reach it */
    public URI streamUri() {
        return URI.create("ws://" + reachable(settings.host()) + ":" + port() + StreamEndpoint.PATH);
    }

    /** @return the management listener's base URI as clients on this machine reach it */
    public URI managementUri() {
        return URI.create("http://" + reachable(settings.managementHost()) + ":" + managementPort());
    }

    /** @return the ids of the pipelines offered */
    public List<String> pipelineIds() {
        return engine.registry().pipelines().stream().map(PipelineInfo::id).toList();
    }

    /** @return pipelines that cannot run here, with the reason, by id */
    public java.util.Map<String, String> unavailablePipelines() {
        java.util.Map<String, String> unavailable = new java.util.LinkedHashMap<>();
        engine.registry().pipelines().stream().filter(p -> !p.available())
                .forEach(p -> unavailable.put(p.id(), p.unavailableReason()));
        return unavailable;
    }

    /**
     * Reads the pipelines file again and swaps the new pipelines in beside the old ones; running
     * sessions move over at their next frame. A bad file changes nothing. Logs
     * {@code pipelines_reloaded} or {@code pipelines_reload_refused}.
     *
     * @return what happened, never {@literal null}
     */
    public PipelineReloads.Outcome reloadPipelines() {
        return reloads.reload();
    }

    /** @return the engine, for inspection */
    public StreamEngine engine() {
        return engine;
    }

    /** @return the settings it runs with */
    public ServerSettings settings() {
        return settings;
    }

    /**
     * Stops: {@code /ready} turns 503 at once, new connections are refused, frames in a pipeline
     * are answered, waiting frames are answered as dropped, sessions close with 1001, then the
     * listeners stop.
     *
     * @param grace how long in-flight frames may take
     * @return whether every session ended within the grace period
     */
    public synchronized boolean stop(Duration grace) {
        if (lifecycle == ManagementServer.Lifecycle.STOPPING) {
            return true;
        }
        lifecycle = ManagementServer.Lifecycle.STOPPING;
        sources.close(); // before the engine drains: a source must not reconnect into a stopping engine
        boolean graceful = transport.stop(grace);
        release();
        return graceful;
    }

    /** Stops with the configured grace period. */
    @Override
    public void close() {
        stop(settings.shutdownGrace());
    }

    private void release() {
        sources.close();
        if (management != null) {
            management.close();
        }
        engine.shutdown(Duration.ZERO);
        Pipelines.close(engine.registry());
        gcMetrics.close();
        metrics.close();
    }

    private static String reachable(String host) {
        return "0.0.0.0".equals(host) || "::".equals(host) ? "127.0.0.1" : host;
    }
}
