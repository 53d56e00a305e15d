package io.streaminfer.netty;

import io.streaminfer.core.SourceFeeds;
import io.streaminfer.tck.KitSettings;
import io.streaminfer.tck.ServerUnderTest;
import io.streaminfer.tck.SourceWatchCompatibilityKit;

import java.io.IOException;

/** The source watch kit against the Netty runtime: watchers at {@code /ws/sources/<id>} beside the streams. */
class NettySourceWatchCompatibilityIntegrationTest extends SourceWatchCompatibilityKit {

    @Override
    protected ServerUnderTest start(KitSettings settings, SourceFeeds feeds) throws IOException {
        return NettyTestServer.start(settings, feeds).underTest();
    }
}
