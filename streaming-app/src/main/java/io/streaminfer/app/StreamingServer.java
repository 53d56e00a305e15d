package io.streaminfer.app;

import io.streaminfer.core.PipelineInfo;
import io.streaminfer.core.PipelineRegistry;
import io.streaminfer.core.StreamEngine;
import io.streaminfer.pipeline.BuiltInPipelines;
import io.streaminfer.tyrus.TyrusStreamingServer;
import io.streaminfer.websocket.StreamEndpoint;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * The composition root: the built-in pipelines, the engine and the Tyrus server, wired from
 * {@link ServerSettings}. {@link StreamingServerMain} runs one; tests start one on port 0.
 */
public final class StreamingServer implements AutoCloseable {

    private final ServerSettings settings;
    private final StreamEngine engine;
    private final TyrusStreamingServer transport;

    private StreamingServer(ServerSettings settings, StreamEngine engine, TyrusStreamingServer transport) {
        this.settings = settings;
        this.engine = engine;
        this.transport = transport;
    }

    /**
     * Wires and starts a server.
     *
     * @param settings what to run
     * @return the running server
     * @throws java.io.UncheckedIOException when the port cannot be bound
     */
    public static StreamingServer start(ServerSettings settings) {
        PipelineRegistry registry = BuiltInPipelines.registry(settings.delay());
        StreamEngine engine = StreamEngine.builder(registry)
                .config(settings.stream())
                .workers(settings.workers())
                .listener(new LoggingStreamListener())
                .build();
        try {
            TyrusStreamingServer transport = TyrusStreamingServer.builder(engine)
                    .host(settings.host())
                    .port(settings.port())
                    .start();
            return new StreamingServer(settings, engine, transport);
        } catch (RuntimeException e) {
            engine.shutdown(Duration.ZERO);
            throw e;
        }
    }

    /** @return the bound port */
    public int port() {
        return transport.port();
    }

    /** @return the stream endpoint's URI as clients on this machine reach it */
    public URI streamUri() {
        String host = "0.0.0.0".equals(settings.host()) ? "127.0.0.1" : settings.host();
        return URI.create("ws://" + host + ":" + port() + StreamEndpoint.PATH);
    }

    /** @return the ids of the pipelines offered */
    public List<String> pipelineIds() {
        return engine.registry().pipelines().stream().map(PipelineInfo::id).toList();
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
     * Answers in-flight frames, closes sessions with 1001 and stops listening.
     *
     * @param grace how long in-flight frames may take
     * @return whether every session ended within the grace period
     */
    public boolean stop(Duration grace) {
        return transport.stop(grace);
    }

    /** Stops with the configured grace period. */
    @Override
    public void close() {
        stop(settings.shutdownGrace());
    }
}
