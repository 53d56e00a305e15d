package io.streaminfer.netty;

import io.streaminfer.core.StreamConfig;
import io.streaminfer.core.StreamEngine;
import io.streaminfer.pipeline.PipelineOptions;
import io.streaminfer.pipeline.Pipelines;
import io.streaminfer.protocol.AccessPolicy;
import io.streaminfer.core.SourceFeeds;
import io.streaminfer.tck.KitSettings;
import io.streaminfer.tck.ServerUnderTest;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Set;

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
        return start(config, PipelineOptions.ofDefaults(), AccessPolicy.open());
    }

    /**
     * @param settings what the protocol kit asks for: engine settings, a token, the delay pipeline's hold
     * @return the running server
     * @throws IOException when it cannot bind
     */
    static NettyTestServer start(KitSettings settings) throws IOException {
        return start(settings, null);
    }

    /**
     * @param settings what the kit asks for: engine settings, a token, the delay pipeline's hold
     * @param sources  the sources watchers read at {@code /ws/sources/<id>}, or {@literal null} for none
     * @return the running server
     * @throws IOException when it cannot bind
     */
    static NettyTestServer start(KitSettings settings, SourceFeeds sources) throws IOException {
        return start(settings.stream(), new PipelineOptions(settings.pipelineDelay(), settings.stream().maxFramePixels()),
                settings.authToken().map(token -> AccessPolicy.of(Set.of(), false, token)).orElse(AccessPolicy.open()),
                sources);
    }

    private static NettyTestServer start(StreamConfig config, PipelineOptions pipelines, AccessPolicy access) throws IOException {
        return start(config, pipelines, access, null);
    }

    private static NettyTestServer start(StreamConfig config, PipelineOptions pipelines, AccessPolicy access,
                                         SourceFeeds sources) throws IOException {
        StreamEngine engine = StreamEngine.builder(Pipelines.defaults(pipelines)).config(config).build();
        try {
            NettyStreamingServer.Builder builder = NettyStreamingServer.builder(engine).host("127.0.0.1").port(0).access(access);
            if (sources != null) {
                builder.sources(sources);
            }
            return new NettyTestServer(engine, builder.start());
        } catch (IOException | RuntimeException e) {
            engine.close();
            throw e;
        }
    }

    /** @return this server as the protocol kit drives it */
    ServerUnderTest underTest() {
        URI streamUri = streamUri();
        return ServerUnderTest.of(streamUri, grace -> {
            server.stop(grace);
            engine.close();
        });
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
