package io.streaminfer.app;

import io.streaminfer.tck.KitSettings;
import io.streaminfer.tck.ServerUnderTest;
import io.streaminfer.tck.StreamingProtocolCompatibilityKit;

/**
 * The wire protocol kit, with the JDK client, against the standalone server as operators run it
 * (Tyrus, configured by environment variables).
 */
class StandaloneServerProtocolCompatibilityIntegrationTest extends StreamingProtocolCompatibilityKit {

    @Override
    protected ServerUnderTest start(KitSettings settings) {
        return TestServers.startForKit(ServerSettings.Transport.TYRUS, settings);
    }
}
