package io.streaminfer.examples;

import io.streaminfer.pipeline.PipelineOptions;
import io.streaminfer.protocol.AccessPolicy;
import io.streaminfer.tck.HostVariants;
import io.streaminfer.tck.KitSettings;
import io.streaminfer.tck.ServerUnderTest;
import io.streaminfer.tck.StreamingProtocolCompatibilityKit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Example 1 runs: the whole wire protocol kit passes against the endpoint hosted in "your" Jetty,
 * next to your servlet. A bare Jakarta container cannot answer a handshake with a status, so it
 * refuses after the upgrade ({@link HostVariants#errorsAfterUpgrade()}).
 */
class JettyHostingIntegrationTest extends StreamingProtocolCompatibilityKit {

    @Override
    protected ServerUnderTest start(KitSettings settings) throws Exception {
        JettyHosting server = JettyHosting.start(0, settings.stream(),
                new PipelineOptions(settings.pipelineDelay(), settings.stream().maxFramePixels()),
                settings.authToken().map(token -> AccessPolicy.of(Set.of(), false, token)).orElse(AccessPolicy.open()));
        URI streamUri = URI.create("ws://127.0.0.1:" + server.port() + "/ws/video/stream");
        return ServerUnderTest.of(streamUri, grace -> server.stop(grace));
    }

    @Override
    protected HostVariants variants() {
        return HostVariants.errorsAfterUpgrade();
    }

    @Test
    @DisplayName("the application's own servlet still answers next to the endpoint")
    void ownServletAnswers() throws Exception {
        URI hello = URI.create("http://127.0.0.1:" + server().streamUri().getPort() + "/hello");
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(hello).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.body()).isEqualTo("hello from my app");
    }
}
