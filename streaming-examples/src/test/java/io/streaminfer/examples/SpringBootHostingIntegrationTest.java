package io.streaminfer.examples;

import java.util.ArrayList;
import io.streaminfer.tck.ServerUnderTest;
import io.streaminfer.tck.KitSettings;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.streaminfer.core.InferenceResult;
import io.streaminfer.core.PipelineRegistry;
import io.streaminfer.tck.ProtocolClient;
import io.streaminfer.tck.SampleFrames;
import io.streaminfer.tck.StreamingProtocolCompatibilityKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Example 5 runs: a Spring Boot application with the starter, on a random port, passes the whole
 * wire protocol kit next to its own controller; its settings, beans, health and meters behave as
 * the starter promises.
 */
class SpringBootHostingIntegrationTest extends StreamingProtocolCompatibilityKit {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static SpringBootHosting app;

    /** The application the tests of this class look into (beans, meters, health); the kit starts its own. */
    @BeforeAll
    static void startApplication() {
        app = SpringBootHosting.start(0);
    }

    @AfterAll
    static void stopApplication() {
        app.close();
    }

    @Override
    protected ServerUnderTest start(KitSettings settings) {
        List<String> properties = new ArrayList<>(List.of("streaming.delay=" + settings.pipelineDelay().toMillis() + "ms"));
        settings.authToken().ifPresent(token -> properties.add("streaming.auth-token=" + token));
        SpringBootHosting hosting = SpringBootHosting.start(settings.stream(), 0, List.of(), properties.toArray(String[]::new));
        URI streamUri = streamUri(hosting);
        return ServerUnderTest.of(streamUri, grace -> {
            hosting.engine().shutdown(grace);   // as the starter does when the context closes, with the kit's grace
            hosting.close();
        });
    }

    @Override
    protected io.streaminfer.tck.HostVariants variants() {
        // Spring Boot's default server is Tomcat, which handles RFC 6455 violations itself: its 1002 close frame
        // is now and then lost to the reset that follows
        return super.variants().withViolationCloseMayBeLost();
    }

    private static URI streamUri(SpringBootHosting hosting) {
        return URI.create("ws://127.0.0.1:" + hosting.port() + "/ws/video/stream");
    }

    private static HttpResponse<String> get(SpringBootHosting hosting, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hosting.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @DisplayName("the application's own controller still answers next to the endpoint")
    void ownControllerAnswers() throws Exception {
        assertThat(get(app, "/hello").body()).isEqualTo("hello from my app");
    }

    @Test
    @DisplayName("the stream meters are in the application's MeterRegistry, per pipeline")
    void metersAppearInTheApplicationsRegistry() throws Exception {
        MeterRegistry registry = app.context().getBean(MeterRegistry.class);
        double before = registry.get("stream.frames.processed").tag("pipeline", "noop").counter().count();
        try (ProtocolClient client = ProtocolClient.connect(URI.create(streamUri(app) + "?pipeline_id=noop"))) {
            client.sendBinary(SampleFrames.coffee());
            assertThat(client.next().has("result")).isTrue();
        }
        // an answer counts once the transport reports it written, which may be just after the client read it
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(
                () -> registry.get("stream.frames.processed").tag("pipeline", "noop").counter().count() >= before + 1);
        assertThat(registry.find("stream.workers.busy").gauge()).isNotNull();
        assertThat(registry.find("stream.sessions.active").tag("pipeline", "delay").gauge()).isNotNull();
    }

    @Test
    @DisplayName("the health endpoint reports the engine UP while it serves")
    void healthIsUp() throws Exception {
        HttpResponse<String> health = get(app, "/actuator/health");

        JsonNode streaming = JSON.readTree(health.body()).get("components").get("streaming");
        assertThat(streaming.get("status").asText()).isEqualTo("UP");
        assertThat(streaming.get("details").get("maxSessions").asInt()).isEqualTo(64);
    }

    @Test
    @DisplayName("while the engine drains: health OUT_OF_SERVICE (503) and new handshakes get HTTP 503")
    void drainingIsOutOfServiceAndRefusesHandshakes() throws Exception {
        try (SpringBootHosting draining = SpringBootHosting.start(0)) {
            draining.engine().shutdown(Duration.ZERO);

            HttpResponse<String> health = get(draining, "/actuator/health/streaming");
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(health.body()).get("status").asText()).isEqualTo("OUT_OF_SERVICE");
            assertThat(JSON.readTree(health.body()).get("details").get("reason").asText()).isEqualTo("shutting down");
            assertThatThrownBy(() -> ProtocolClient.connect(URI.create(streamUri(draining) + "?pipeline_id=noop")))
                    .isInstanceOf(IOException.class).hasMessageContaining("503");
        }
    }

    @Test
    @DisplayName("streaming.* properties reach the engine; a token is asked for with HTTP 401 before the upgrade")
    void propertiesAndToken() throws Exception {
        try (SpringBootHosting guarded = SpringBootHosting.start(null, 0, List.of(),
                "streaming.auth-token=let-me-in", "streaming.max-sessions=3", "streaming.idle-timeout=90s")) {
            assertThat(guarded.engine().config().maxSessions()).isEqualTo(3);
            assertThat(guarded.engine().config().idleTimeout()).isEqualTo(Duration.ofSeconds(90));
            assertThatThrownBy(() -> ProtocolClient.connect(URI.create(streamUri(guarded) + "?pipeline_id=noop")))
                    .isInstanceOf(IOException.class).hasMessageContaining("401");
            try (ProtocolClient client = ProtocolClient.connect(
                    URI.create(streamUri(guarded) + "?pipeline_id=noop&access_token=let-me-in"))) {
                client.sendBinary(SampleFrames.coffee());
                assertThat(client.next().get("frame_index").asLong()).isEqualTo(1);
            }
        }
    }

    @Test
    @DisplayName("a streaming.* property out of its range stops startup with a message naming it")
    void badPropertyFailsStartup() {
        assertThatThrownBy(() -> SpringBootHosting.start(null, 0, List.of(), "streaming.queue-depth=0").close())
                .rootCause().hasMessageContaining("streaming.queue-depth").hasMessageContaining("between 1 and 1000");
        assertThatThrownBy(() -> SpringBootHosting.start(null, 0, List.of(), "streaming.max-sessions=lots").close())
                .hasStackTraceContaining("streaming.max-sessions");
    }

    /** An application that brings its own pipelines. */
    @Configuration(proxyBeanMethods = false)
    static class OwnPipelines {
        @Bean
        PipelineRegistry myPipelines() {
            return PipelineRegistry.of(Map.of("echo", () -> frame -> InferenceResult.builder()
                    .put("bytes", frame.jpeg().length).build()));
        }
    }

    @Test
    @DisplayName("a PipelineRegistry bean of the application replaces the built-in pipelines")
    void applicationBeanReplacesTheStarters() throws Exception {
        try (SpringBootHosting own = SpringBootHosting.start(null, 0, List.of(OwnPipelines.class))) {
            try (ProtocolClient client = ProtocolClient.connect(URI.create(streamUri(own) + "?pipeline_id=echo"))) {
                client.sendBinary(SampleFrames.coffee());
                assertThat(client.next().get("result").get("bytes").asInt()).isEqualTo(SampleFrames.coffee().length);
            }
            try (ProtocolClient client = ProtocolClient.connect(URI.create(streamUri(own) + "?pipeline_id=noop"))) {
                JsonNode refusal = client.next();
                assertThat(refusal.get("error").asText()).isEqualTo("invalid_pipeline");
                assertThat(refusal.get("detail").asText()).contains("echo");
            }
        }
    }
}
