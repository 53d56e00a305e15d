package io.streaminfer.tyrus;

import io.streaminfer.core.PipelineRegistry;
import io.streaminfer.core.StreamEngine;
import io.streaminfer.protocol.AccessPolicy;
import io.streaminfer.core.SourceFeeds;
import io.streaminfer.tck.KitSettings;
import io.streaminfer.tck.ServerUnderTest;
import io.streaminfer.tck.SourceWatchCompatibilityKit;

import java.net.URI;
import java.util.Map;
import java.util.Set;

/**
 * The source watch kit against the Tyrus runtime: the Jakarta {@code SourceWatchEndpoint} at
 * {@code /ws/sources/<id>} beside the stream endpoint, on an engine without pipelines (watchers
 * need none).
 */
class TyrusSourceWatchCompatibilityIntegrationTest extends SourceWatchCompatibilityKit {

    @Override
    protected ServerUnderTest start(KitSettings settings, SourceFeeds feeds) throws Exception {
        StreamEngine engine = StreamEngine.builder(PipelineRegistry.of(Map.of())).config(settings.stream()).build();
        AccessPolicy access = settings.authToken().map(token -> AccessPolicy.of(Set.of(), false, token)).orElse(AccessPolicy.open());
        TyrusStreamingServer server;
        try {
            server = TyrusStreamingServer.builder(engine).host("127.0.0.1").port(0).access(access).sources(feeds).start();
        } catch (Exception | Error e) {
            engine.close();
            throw e;
        }
        return ServerUnderTest.of(URI.create("ws://127.0.0.1:" + server.port() + "/ws/video/stream"), grace -> {
            server.stop(grace);
            engine.close();
        });
    }
}
