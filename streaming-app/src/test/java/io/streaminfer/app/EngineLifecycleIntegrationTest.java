package io.streaminfer.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.streaminfer.tck.ProtocolClient;
import io.streaminfer.tck.SampleFrames;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The engine's lifecycle over real sockets, in both WebSocket containers: a pipeline that hangs
 * must not hold its session, its slot or the other sessions hostage.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(ServerSettings.Transport.class)
class EngineLifecycleIntegrationTest {

    /** Bounds failures, never a target: what it bounds takes about a second when it works. */
    private static final Duration GENEROUS = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Parameter
    ServerSettings.Transport transport;

    @Test
    @DisplayName("a pipeline hung for a minute: its session closes at the pipeline timeout (1003 after invalid_message,"
            + " the frame answered as timed out), its slot goes to a newcomer, and the worker is reported stuck")
    void hungPipelineHoldsNoSlot() throws Exception {
        try (StreamingServer server = TestServers.start(transport, Map.of(
                "STREAM_DELAY_MS", "60000", // the longest a delay step may hold a frame; delay_cpu ignores interrupts
                "STREAM_PIPELINE_TIMEOUT_MS", "1000",
                "STREAM_MAX_SESSIONS", "1",
                "STREAM_WORKERS", "1"))) { // one worker: one stuck worker reaches the engine's limit
            List<String> answers = new ArrayList<>();
            int closeCode;
            try (ProtocolClient hung = ProtocolClient.connect(stream(server, "pipeline_id=delay_cpu"))) {
                hung.sendBinary(SampleFrames.coffee());
                await().atMost(GENEROUS).until(EngineLifecycleIntegrationTest::aWorkerIsInTheDelayStep);
                hung.sendText("{\"op\": \"stop\"}");

                answers.add(describe(hung.next(GENEROUS)));
                answers.add(describe(hung.next(GENEROUS)));
                await().atMost(GENEROUS).until(hung::isClosed);
                closeCode = hung.awaitClose();
            }
            // the pipeline still runs: the session closed long before it will return
            assertThat(server.engine().stuckWorkers()).as("workers held by the hung pipeline").isEqualTo(1);
            // the text may come before or after the timeout (it fires after a second): either order is right
            assertThat(answers).containsExactlyInAnyOrder("error invalid_message", "error pipeline_failure 1 timed out");
            assertThat(closeCode).isEqualTo(1003);

            await().atMost(GENEROUS).until(() -> server.engine().takenSlots() == 0);
            try (ProtocolClient newcomer = ProtocolClient.connect(stream(server, "pipeline_id=noop"))) {
                newcomer.sendBinary(SampleFrames.coffee());
                JsonNode answer = newcomer.next(GENEROUS);
                assertThat(describe(answer)).as("the newcomer is served, not refused: %s", answer).isEqualTo("result 1");
            }

            assertThat(server.engine().stuckWorkers()).as("the worker is still held afterwards").isEqualTo(1);
            assertThat(metrics(server).value("stream_workers_stuck")).isEqualTo(1.0);
            // one worker, stuck: the replacement keeps serving, but readiness sends new clients elsewhere
            HttpResponse<String> ready = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(server.managementUri().resolve("/ready")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("degraded").contains("stuck");
        }
    }

    /** Whether a pipeline worker is inside the delay step now: the frame is running, no longer waiting. */
    private static boolean aWorkerIsInTheDelayStep() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(thread -> thread.getKey().getName().startsWith("stream-worker-"))
                .anyMatch(thread -> Arrays.stream(thread.getValue())
                        .anyMatch(frame -> frame.getClassName().equals("io.streaminfer.pipeline.DelayStep")));
    }

    private static String describe(JsonNode message) {
        if (message == null) {
            return "nothing";
        }
        if (message.has("error")) {
            String text = "error " + message.get("error").asText();
            if (message.has("frame_index")) {
                text += " " + message.get("frame_index").asLong();
            }
            return message.path("detail").asText().contains("timed out") ? text + " timed out" : text;
        }
        if (message.has("result")) {
            return "result " + message.get("frame_index").asLong();
        }
        return message.toString();
    }

    private static URI stream(StreamingServer server, String query) {
        return URI.create(server.streamUri() + "?" + query);
    }

    private static PrometheusText metrics(StreamingServer server) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(server.managementUri().resolve("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return new PrometheusText(response.body());
    }
}
