package io.streaminfer.app;

import io.streaminfer.tck.StreamingProtocolCompatibilityKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.net.URI;

/** The wire protocol kit, with the JDK client, against the standalone server as operators run it. */
class StandaloneServerProtocolCompatibilityIntegrationTest extends StreamingProtocolCompatibilityKit {

    private static StreamingServer server;

    @BeforeAll
    static void startServer() {
        server = TestServers.start();
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
