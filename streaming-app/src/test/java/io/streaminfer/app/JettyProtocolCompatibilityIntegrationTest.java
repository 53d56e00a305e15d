package io.streaminfer.app;

import io.streaminfer.tck.KitSettings;
import io.streaminfer.tck.ServerUnderTest;
import io.streaminfer.tck.StreamingProtocolCompatibilityKit;

/** The wire protocol kit against the standalone server on its Jetty runtime ({@code STREAM_SERVER=jetty}). */
class JettyProtocolCompatibilityIntegrationTest extends StreamingProtocolCompatibilityKit {

    @Override
    protected ServerUnderTest start(KitSettings settings) {
        return TestServers.startForKit(ServerSettings.Transport.JETTY, settings);
    }
}
