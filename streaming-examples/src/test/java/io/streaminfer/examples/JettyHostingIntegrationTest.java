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

/** Example 1 runs: the whole wire protocol kit passes against the endpoint hosted in "your" Jetty, next to your servlet. */
class JettyHostingIntegrationTest extends StreamingProtocolCompatibilityKit {

    private static JettyHosting server;

    @BeforeAll
    static void start() throws Exception {
        server = JettyHosting.start(0);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Override
    protected URI streamUri() {
        return URI.create("ws://127.0.0.1:" + server.port() + "/ws/video/stream");
    }

    @Test
    @DisplayName("the application's own servlet still answers next to the endpoint")
    void ownServletAnswers() throws Exception {
        HttpResponse<String> hello = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/hello")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(hello.body()).isEqualTo("hello from my app");
    }
}
