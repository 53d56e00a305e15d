package io.streaminfer.app;

import io.streaminfer.tck.StreamingProtocolCompatibilityKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.net.URI;
import java.util.Map;

/** The wire protocol kit against the standalone server on its Jetty runtime ({@code STREAM_SERVER=jetty}). */
class JettyProtocolCompatibilityIntegrationTest extends StreamingProtocolCompatibilityKit {

    private static StreamingServer server;

    @BeforeAll
    static void startServer() {
        server = TestServers.start(ServerSettings.Transport.JETTY, Map.of());
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
