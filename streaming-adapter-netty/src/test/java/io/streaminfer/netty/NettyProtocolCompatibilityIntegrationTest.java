package io.streaminfer.netty;

import io.streaminfer.core.StreamConfig;
import io.streaminfer.tck.StreamingProtocolCompatibilityKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.io.IOException;
import java.net.URI;

/** The wire protocol kit, with the JDK client, against the Netty runtime started on the engine's default settings. */
class NettyProtocolCompatibilityIntegrationTest extends StreamingProtocolCompatibilityKit {

    private static NettyTestServer server;

    @BeforeAll
    static void startServer() throws IOException {
        server = NettyTestServer.start(StreamConfig.ofDefaults());
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Override
    protected URI streamUri() {
        return server.streamUri();
    }
}
