package io.streaminfer.netty;

import io.streaminfer.tck.KitSettings;
import io.streaminfer.tck.ServerUnderTest;
import io.streaminfer.tck.StreamingProtocolCompatibilityKit;

import java.io.IOException;

/** The wire protocol kit against the Netty runtime, started with the settings each group of the kit asks for. */
class NettyProtocolCompatibilityIntegrationTest extends StreamingProtocolCompatibilityKit {

    @Override
    protected ServerUnderTest start(KitSettings settings) throws IOException {
        return NettyTestServer.start(settings).underTest();
    }
}
