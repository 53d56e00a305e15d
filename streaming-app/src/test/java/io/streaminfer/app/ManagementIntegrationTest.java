package io.streaminfer.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streaminfer.tck.SampleFrames;
import io.streaminfer.tck.Timeouts;
import io.streaminfer.protocol.StreamAnswer;
import io.streaminfer.tyrus.StreamClient;
import jakarta.websocket.CloseReason.CloseCodes;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The management listener of the real app on ephemeral ports, read with a plain HTTP client. */
class ManagementIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    @DisplayName("metrics, sessions and pipelines reflect what a live session sent")
    void metricsMatchWhatWasSent() throws Exception {
        int frames = 20;
        try (StreamingServer server = TestServers.start(Map.of("STREAM_DELAY_MS", "20"));
             StreamClient client = StreamClient.create(URI.create("ws://127.0.0.1:" + server.port()))) {
            assertThat(get(server, "/health").statusCode()).isEqualTo(200);
            assertThat(get(server, "/ready").statusCode()).isEqualTo(200);

            StreamClient.Stream stream = client.open("delay");
            for (int i = 0; i < frames; i++) {
                stream.send(SampleFrames.coffee());
            }
            int results = 0;
            int dropped = 0;
            while (results + dropped < frames) {
                StreamAnswer answer = stream.next(Timeouts.ANSWER);
                assertThat(answer).as("answer %d", results + dropped + 1).isNotNull();
                results += answer.kind() == StreamAnswer.Kind.RESULT ? 1 : 0;
                dropped += answer.kind() == StreamAnswer.Kind.DROPPED ? 1 : 0;
            }

            PrometheusText metrics = new PrometheusText(get(server, "/metrics").body());
            String delay = "{pipeline=\"delay\"}";
            assertThat(metrics.value("stream_frames_received_total" + delay)).isEqualTo(frames);
            assertThat(metrics.value("stream_frames_processed_total" + delay)).isEqualTo(results);
            assertThat(metrics.value("stream_frames_dropped_total" + delay)).isEqualTo(dropped);
            assertThat(metrics.value("stream_frames_failed_total" + delay)).isZero();
            assertThat(metrics.value("stream_frame_latency_seconds_count" + delay)).isEqualTo(results);
            assertThat(metrics.value("stream_pipeline_duration_seconds_count" + delay)).isEqualTo(results);
            assertThat(metrics.value("stream_pipeline_duration_seconds_bucket{pipeline=\"delay\",le=\"0.01\"}")).isZero();
            assertThat(metrics.value("stream_sessions_active" + delay)).isEqualTo(1);
            assertThat(metrics.value("stream_sessions_active{pipeline=\"noop\"}")).isZero();
            assertThat(metrics.value("stream_connections_opened_total" + delay)).isEqualTo(1);
            assertThat(metrics.value("stream_frame_size_bytes_count")).isEqualTo(frames);
            assertThat(metrics.has("stream_workers_busy")).isTrue();
            assertThat(metrics.has("jvm_memory_used_bytes{area=\"heap\",id=\"G1 Eden Space\"}")
                    || metrics.value("process_uptime_seconds") > 0).isTrue();

            JsonNode sessions = JSON.readTree(get(server, "/sessions").body());
            assertThat(sessions).hasSize(1);
            JsonNode session = sessions.get(0);
            assertThat(session.get("pipeline_id").asText()).isEqualTo("delay");
            assertThat(session.get("remote").asText()).isEqualTo("127.0.0.1");
            assertThat(session.get("received").asInt()).isEqualTo(frames);
            assertThat(session.get("processed").asInt()).isEqualTo(results);
            assertThat(session.get("dropped").asInt()).isEqualTo(dropped);
            assertThat(session.get("pipeline_ms_p50").asDouble()).isGreaterThanOrEqualTo(20.0);
            assertThat(session.toString()).doesNotContain("jpeg", "token");

            JsonNode pipelines = JSON.readTree(get(server, "/pipelines").body());
            assertThat(pipelines.findValuesAsText("id")).contains("noop", "delay");
            assertThat(pipelines.get(0).get("available").asBoolean()).isTrue();

            stream.close();
            await().atMost(Timeouts.CLOSE).until(() -> new PrometheusText(get(server, "/metrics").body())
                    .value("stream_sessions_active" + delay) == 0);
        }
    }

    @Test
    @DisplayName("refusals are counted by reason and errors by code")
    void refusalsAndErrorsAreCounted() throws Exception {
        try (StreamingServer server = TestServers.start();
             StreamClient client = StreamClient.create(URI.create("ws://127.0.0.1:" + server.port()))) {
            client.open("no-such-pipeline").awaitClose(Timeouts.CLOSE);
            StreamClient.Stream stream = client.open("noop");
            stream.send(SampleFrames.truncated());
            stream.awaitClose(Timeouts.CLOSE);

            PrometheusText metrics = new PrometheusText(get(server, "/metrics").body());
            assertThat(metrics.value("stream_connections_refused_total{reason=\"invalid_pipeline\"}")).isEqualTo(1);
            assertThat(metrics.value("stream_errors_total{code=\"invalid_pipeline\"}")).isEqualTo(1);
            assertThat(metrics.value("stream_errors_total{code=\"invalid_frame\"}")).isEqualTo(1);
        }
    }

    @Test
    @DisplayName("unknown paths are 404 and other methods 405")
    void onlyKnownReadOnlyEndpoints() throws Exception {
        try (StreamingServer server = TestServers.start()) {
            assertThat(get(server, "/admin").statusCode()).isEqualTo(404);
            HttpResponse<String> post = http.send(HttpRequest.newBuilder(server.managementUri().resolve("/ready"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
        }
    }

    @Test
    @DisplayName("shutdown: /ready turns 503, every frame sent before is answered, the session closes with 1001")
    void gracefulShutdown() throws Exception {
        StreamingServer server = TestServers.start(Map.of("STREAM_DELAY_MS", "1500"));
        try (StreamClient client = StreamClient.create(URI.create("ws://127.0.0.1:" + server.port()))) {
            StreamClient.Stream stream = client.open("delay");
            stream.send(SampleFrames.coffee());
            await().atMost(Timeouts.ANSWER).until(() -> server.engine().busyWorkers() == 1); // frame 1 in the pipeline
            stream.send(SampleFrames.coffee());
            stream.send(SampleFrames.coffee()); // frame 2 dropped, frame 3 waits
            await().atMost(Timeouts.ANSWER).until(() -> server.engine().sessions().get(0).received() == 3);

            CompletableFuture<Boolean> stopping = CompletableFuture.supplyAsync(() -> server.stop(Duration.ofSeconds(10)));
            await().atMost(Timeouts.ANSWER).until(() -> get(server, "/ready").statusCode() == 503);

            List<String> answers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                StreamAnswer answer = stream.next(Timeouts.ANSWER);
                answers.add(answer.kind() + " " + answer.frameIndex());
            }
            assertThat(answers).containsExactlyInAnyOrder("DROPPED 2", "DROPPED 3", "RESULT 1");
            assertThat(stream.awaitClose(Timeouts.CLOSE).getCloseCode()).isEqualTo(CloseCodes.GOING_AWAY);
            assertThat(stopping.get()).isTrue();
        } finally {
            server.close();
        }
    }

    private HttpResponse<String> get(StreamingServer server, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(server.managementUri().resolve(path)).timeout(Timeouts.ANSWER).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
