package io.streaminfer.netty;

import io.streaminfer.core.StreamConfig;
import io.streaminfer.core.StreamEngine;
import io.streaminfer.pipeline.PipelineOptions;
import io.streaminfer.pipeline.Pipelines;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;

/**
 * The Netty runtime on 127.0.0.1 and an ephemeral port, around an engine with the built-in
 * pipelines ({@code noop}, {@code delay}, ...) and the given settings.
 */
final class NettyTestServer implements AutoCloseable {

    final StreamEngine engine;
    final NettyStreamingServer server;

    private NettyTestServer(StreamEngine engine, NettyStreamingServer server) {
        this.engine = engine;
        this.server = server;
    }

    /**
     * @param config the engine's settings
     * @return the running server
     * @throws IOException when it cannot bind
     */
    static NettyTestServer start(StreamConfig config) throws IOException {
        StreamEngine engine = StreamEngine.builder(Pipelines.defaults(PipelineOptions.ofDefaults())).config(config).build();
        try {
            return new NettyTestServer(engine, NettyStreamingServer.builder(engine).host("127.0.0.1").port(0).start());
        } catch (IOException | RuntimeException e) {
            engine.close();
            throw e;
        }
    }

    /** @return the stream endpoint, without a query */
    URI streamUri() {
        return URI.create("ws://127.0.0.1:" + server.port() + StreamWebSocketHandler.PATH);
    }

    @Override
    public void close() {
        server.stop(Duration.ofSeconds(5));
        engine.close();
    }
}
