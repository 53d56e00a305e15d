package io.streaminfer.examples;

import io.streaminfer.tck.StreamingProtocolCompatibilityKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** Example 5 runs: the whole wire protocol kit passes against the handler in "your" Netty pipeline, next to your handler. */
class NettyHostingIntegrationTest extends StreamingProtocolCompatibilityKit {

    private static NettyHosting server;

    @BeforeAll
    static void start() throws Exception {
        server = NettyHosting.start(0);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Override
    protected URI streamUri() {
        return URI.create("ws://127.0.0.1:" + server.port() + "/ws/video/stream");
    }

    @Test
    @DisplayName("the application's own handler still answers next to the stream handler, on the same connection twice")
    void ownHandlerAnswers() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> hello = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/hello")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(hello.body()).isEqualTo("hello from my app");
        }
    }
}
