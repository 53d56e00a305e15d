package io.streaminfer.tck;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The wire protocol, checked from the outside against any running server: results, dropped
 * notices, slow-down warnings, every error code and close code. The server must offer the
 * {@code noop} pipeline (header parse: {@code width}, {@code height} in the result) and the
 * {@code delay} pipeline (holds each frame for tens of milliseconds).
 *
 * <p>Subclass it, return the server's stream endpoint from {@link #streamUri()} (for example
 * {@code ws://127.0.0.1:8080/ws/video/stream}), and run it with JUnit 5.
 */
public abstract class StreamingProtocolCompatibilityKit {

    private static final String NO_STACK_TRACES = "(?s).*(Exception|\\tat |\\.java:|/usr/|/home/|/tmp/).*";

    /**
     * @return the stream endpoint URI without a query
     */
    protected abstract URI streamUri();

    /**
     * @return the server's frame size limit in bytes; 5 MiB unless overridden
     */
    protected long maxFrameBytes() {
        return 5L * 1024 * 1024;
    }

    /**
     * @param pipelineId the pipeline, or {@literal null} to leave the parameter out
     * @return a connected client
     * @throws IOException when the handshake fails
     */
    protected ProtocolClient connect(String pipelineId) throws IOException {
        String base = streamUri().toString();
        String uri = pipelineId == null ? base
                : base + "?pipeline_id=" + URLEncoder.encode(pipelineId, StandardCharsets.UTF_8);
        return ProtocolClient.connect(URI.create(uri));
    }

    @Test
    @DisplayName("a frame is answered with its 1-based index and the pipeline's result")
    void frameGetsAResult() throws IOException {
        try (ProtocolClient client = connect("noop")) {
            client.sendBinary(SampleFrames.astronaut());

            JsonNode answer = client.next();

            assertThat(answer.get("frame_index").asLong()).isEqualTo(1);
            assertThat(answer.get("result").get("width").asInt()).isEqualTo(512);
            assertThat(answer.get("result").get("height").asInt()).isEqualTo(512);
        }
    }

    @Test
    @DisplayName("the Nth binary message of a session has frame index N")
    void frameIndexCountsBinaryMessages() throws IOException {
        try (ProtocolClient client = connect("noop")) {
            for (int n = 1; n <= 5; n++) {
                client.sendBinary(SampleFrames.coffee());
                assertThat(client.next().get("frame_index").asLong()).isEqualTo(n);
            }
        }
    }

    @Test
    @DisplayName("a missing pipeline_id is invalid_pipeline, listing the known ids, then close 1008")
    void missingPipelineId() throws IOException {
        try (ProtocolClient client = connect(null)) {
            JsonNode error = client.next();

            assertError(error, "invalid_pipeline");
            assertThat(error.get("detail").asText()).contains("noop", "delay");
            assertThat(client.awaitClose()).isEqualTo(1008);
        }
    }

    @Test
    @DisplayName("an unknown pipeline_id is invalid_pipeline naming it, then close 1008")
    void unknownPipelineId() throws IOException {
        try (ProtocolClient client = connect("no-such-pipeline")) {
            JsonNode error = client.next();

            assertError(error, "invalid_pipeline");
            assertThat(error.get("detail").asText()).contains("no-such-pipeline", "noop");
            assertThat(client.awaitClose()).isEqualTo(1008);
        }
    }

    @Test
    @DisplayName("a text message is invalid_message, then close 1003")
    void textMessage() throws IOException {
        try (ProtocolClient client = connect("noop")) {
            client.sendText("{\"hello\": \"server\"}");

            assertError(client.next(), "invalid_message");
            assertThat(client.awaitClose()).isEqualTo(1003);
        }
    }

    @Test
    @DisplayName("bytes that are not a JPEG are invalid_frame for that frame index, then close 1007")
    void garbageFrame() throws IOException {
        try (ProtocolClient client = connect("noop")) {
            client.sendBinary(SampleFrames.garbage(1000));

            JsonNode error = client.next();

            assertError(error, "invalid_frame");
            assertThat(error.get("frame_index").asLong()).isEqualTo(1);
            assertThat(client.awaitClose()).isEqualTo(1007);
        }
    }

    @Test
    @DisplayName("a truncated JPEG is invalid_frame, then close 1007")
    void truncatedFrame() throws IOException {
        try (ProtocolClient client = connect("noop")) {
            client.sendBinary(SampleFrames.coffee());
            assertThat(client.next().has("result")).isTrue();

            client.sendBinary(SampleFrames.truncated());

            JsonNode error = client.next();
            assertError(error, "invalid_frame");
            assertThat(error.get("frame_index").asLong()).isEqualTo(2);
            assertThat(client.awaitClose()).isEqualTo(1007);
        }
    }

    @Test
    @DisplayName("an empty binary message is invalid_frame, then close 1007")
    void emptyFrame() throws IOException {
        try (ProtocolClient client = connect("noop")) {
            client.sendBinary(new byte[0]);

            assertError(client.next(), "invalid_frame");
            assertThat(client.awaitClose()).isEqualTo(1007);
        }
    }

    @Test
    @DisplayName("a frame of exactly the size limit is accepted")
    void frameOfExactlyTheLimit() throws IOException {
        try (ProtocolClient client = connect("noop")) {
            client.sendBinary(SampleFrames.paddedTo(SampleFrames.coffee(), Math.toIntExact(maxFrameBytes())));

            JsonNode answer = client.next();

            assertThat(answer.get("frame_index").asLong()).isEqualTo(1);
            assertThat(answer.get("result").get("width").asInt()).isEqualTo(600);
        }
    }

    @Test
    @DisplayName("a frame one byte over the limit is frame_too_large, then close 1009")
    void frameOneByteOverTheLimit() throws IOException {
        try (ProtocolClient client = connect("noop")) {
            client.sendBinary(SampleFrames.paddedTo(SampleFrames.coffee(), Math.toIntExact(maxFrameBytes()) + 1));

            JsonNode error = client.next();

            assertError(error, "frame_too_large");
            assertThat(error.get("frame_index").asLong()).isEqualTo(1);
            assertThat(client.awaitClose()).isEqualTo(1009);
        }
    }

    @Test
    @DisplayName("a frame a fifth over the limit is refused with 1009 (frame_too_large when the server gets to say so)")
    void frameWellOverTheLimit() throws IOException {
        int size = Math.toIntExact(maxFrameBytes() + maxFrameBytes() / 5);
        try (ProtocolClient client = connect("noop")) {
            client.sendBinary(SampleFrames.paddedTo(SampleFrames.coffee(), size));

            JsonNode error = client.next(Timeouts.ANSWER);
            if (error != null) {
                assertError(error, "frame_too_large");
            }
            assertThat(client.awaitClose()).isEqualTo(1009);
        }
    }

    @Test
    @DisplayName("frames sent faster than the pipeline runs: each gets exactly one answer, results in order, dropped notices have exactly two keys")
    void burstIsAnsweredFrameByFrame() throws IOException {
        int frames = 12;
        try (ProtocolClient client = connect("delay")) {
            byte[] jpeg = SampleFrames.coffee();
            for (int i = 0; i < frames; i++) {
                client.sendBinary(jpeg);
            }

            List<JsonNode> answers = collectAnswers(client, frames);

            Set<Long> indexes = new HashSet<>();
            List<Long> results = new ArrayList<>();
            int dropped = 0;
            for (JsonNode answer : answers) {
                long index = answer.get("frame_index").asLong();
                assertThat(indexes.add(index)).as("frame %d answered twice", index).isTrue();
                if (answer.has("dropped")) {
                    dropped++;
                    assertThat(answer.get("dropped").asBoolean()).isTrue();
                    assertThat(answer.size()).as("dropped notice keys: %s", answer).isEqualTo(2);
                } else {
                    assertThat(answer.has("result")).as("answer %s", answer).isTrue();
                    results.add(index);
                }
            }
            assertThat(indexes).hasSize(frames);
            assertThat(results).isSorted().isNotEmpty();
            assertThat(dropped).isPositive();
        }
    }

    @Test
    @DisplayName("a stream far faster than its pipeline is told to slow down, with drop_rate and recommended_fps")
    void slowDownWarning() throws IOException {
        try (ProtocolClient client = connect("delay")) {
            byte[] jpeg = SampleFrames.coffee();
            for (int i = 0; i < 90; i++) {
                client.sendBinary(jpeg);
            }

            JsonNode warning = null;
            for (JsonNode message = client.next(); warning == null; message = client.next()) {
                if (message.has("warning")) {
                    warning = message;
                }
            }

            assertThat(warning.get("warning").asText()).isEqualTo("slow_down");
            assertThat(warning.get("drop_rate").asDouble()).isBetween(0.0, 1.0).isPositive();
            assertThat(warning.get("recommended_fps").asDouble()).isPositive();
        }
    }

    @Test
    @DisplayName("a client that disconnects mid-stream does not disturb the next one")
    void abruptDisconnect() throws IOException {
        try (ProtocolClient leaving = connect("delay")) {
            for (int i = 0; i < 5; i++) {
                leaving.sendBinary(SampleFrames.coffee());
            }
            leaving.abort();
        }
        try (ProtocolClient next = connect("noop")) {
            next.sendBinary(SampleFrames.coffee());

            assertThat(next.next().get("frame_index").asLong()).isEqualTo(1);
        }
    }

    @Test
    @DisplayName("sessions are independent: concurrent clients each get their own frame indexes and answers")
    void concurrentSessions() throws Exception {
        int sessions = 8;
        int framesEach = 5;
        ExecutorService pool = Executors.newFixedThreadPool(sessions);
        try {
            List<CompletableFuture<List<Long>>> runs = new ArrayList<>();
            for (int s = 0; s < sessions; s++) {
                runs.add(CompletableFuture.supplyAsync(() -> {
                    try (ProtocolClient client = connect("noop")) {
                        List<Long> indexes = new ArrayList<>();
                        for (int f = 0; f < framesEach; f++) {
                            client.sendBinary(SampleFrames.qrScene());
                            indexes.add(client.next().get("frame_index").asLong());
                        }
                        return indexes;
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }, pool));
            }
            for (CompletableFuture<List<Long>> run : runs) {
                assertThat(run.get(Timeouts.ANSWER.toSeconds() * 3, TimeUnit.SECONDS)).containsExactly(1L, 2L, 3L, 4L, 5L);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Reads messages until {@code frames} frame answers arrived (warnings are skipped).
     *
     * @param client the client
     * @param frames how many answers
     * @return the answers in arrival order
     */
    protected static List<JsonNode> collectAnswers(ProtocolClient client, int frames) {
        List<JsonNode> answers = new ArrayList<>();
        while (answers.size() < frames) {
            JsonNode message = client.next();
            assertThat(message.has("error")).as("unexpected error %s", message).isFalse();
            if (message.has("frame_index")) {
                answers.add(message);
            }
        }
        return answers;
    }

    private static void assertError(JsonNode message, String code) {
        assertThat(message.has("error")).as("expected an error, got %s", message).isTrue();
        assertThat(message.get("error").asText()).isEqualTo(code);
        assertThat(message.get("detail").asText()).isNotBlank().doesNotMatch(NO_STACK_TRACES);
    }
}
