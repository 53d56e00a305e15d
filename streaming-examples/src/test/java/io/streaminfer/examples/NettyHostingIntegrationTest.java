package io.streaminfer.examples;

import io.streaminfer.pipeline.PipelineOptions;
import io.streaminfer.protocol.AccessPolicy;
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

/** Example 5 runs: the whole wire protocol kit passes against the handler in "your" Netty pipeline, next to your handler. */
class NettyHostingIntegrationTest extends StreamingProtocolCompatibilityKit {

    @Override
    protected ServerUnderTest start(KitSettings settings) throws Exception {
        NettyHosting server = NettyHosting.start(0, settings.stream(),
                new PipelineOptions(settings.pipelineDelay(), settings.stream().maxFramePixels()),
                settings.authToken().map(token -> AccessPolicy.of(Set.of(), false, token)).orElse(AccessPolicy.open()));
        URI streamUri = URI.create("ws://127.0.0.1:" + server.port() + "/ws/video/stream");
        return ServerUnderTest.of(streamUri, grace -> server.stop(grace));
    }

    @Test
    @DisplayName("the application's own handler still answers next to the stream handler, on the same connection twice")
    void ownHandlerAnswers() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> hello = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server().streamUri().getPort() + "/hello")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(hello.body()).isEqualTo("hello from my app");
        }
    }
}
