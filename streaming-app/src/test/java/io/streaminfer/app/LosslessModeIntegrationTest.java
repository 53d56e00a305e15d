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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code ?mode=lossless} over real sockets, in both WebSocket containers. */
@ParameterizedClass(name = "on {0}")
@EnumSource(ServerSettings.Transport.class)
class LosslessModeIntegrationTest {

    /** Bounds failures, never a target. */
    private static final Duration GENEROUS = Duration.ofSeconds(30);
    private static final int FRAMES = 10;

    @Parameter
    ServerSettings.Transport transport;

    @Test
    @DisplayName("mode=lossless into a 50 ms pipeline: ten frames sent at once all get results, in order, none dropped")
    void everyFrameGetsItsResultInOrder() throws Exception {
        try (StreamingServer server = TestServers.start(transport, Map.of("STREAM_DELAY_MS", "50"));
             ProtocolClient client = ProtocolClient.connect(stream(server, "pipeline_id=delay&mode=lossless"))) {
            List<String> answers = sendAndCollect(client);

            assertThat(answers).containsExactlyElementsOf(
                    LongStream.rangeClosed(1, FRAMES).mapToObj(i -> "result " + i).toList());
            assertThat(client.isClosed()).isFalse();
        }
    }

    @Test
    @DisplayName("mode=lossless with STREAM_LOSSLESS_QUEUE_DEPTH=2: frames arriving at a full queue are answered dropped,"
            + " every frame is answered once, results stay in order")
    void aFullQueueDropsTheArrivingFrame() throws Exception {
        // a one-second pipeline: ten frames sent back to back overrun two waiting places however slowly the client sends
        try (StreamingServer server = TestServers.start(transport, Map.of("STREAM_DELAY_MS", "1000",
                "STREAM_LOSSLESS_QUEUE_DEPTH", "2"));
             ProtocolClient client = ProtocolClient.connect(stream(server, "pipeline_id=delay&mode=lossless"))) {
            List<String> answers = sendAndCollect(client);

            List<Long> results = indexes(answers, "result ");
            List<Long> dropped = indexes(answers, "dropped ");
            assertThat(dropped).as("answers: %s", answers).isNotEmpty();
            // frames 1 and 2 always find room (at most frame 1 waits); realtime mode would drop frame 2 for frame 3
            assertThat(results).as("the first two frames find room in the queue: %s", answers).startsWith(1L, 2L);
            assertThat(results).as("results in frame order").isSorted();
            List<Long> all = new ArrayList<>(results);
            all.addAll(dropped);
            assertThat(all).as("one answer per frame: %s", answers)
                    .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, FRAMES).boxed().toList());
        }
    }

    @Test
    @DisplayName("an unknown mode (turbo) is refused with invalid_message naming the modes, then close 1008")
    void unknownModeIsRefused() throws Exception {
        try (StreamingServer server = TestServers.start(transport, Map.of());
             ProtocolClient client = ProtocolClient.connect(stream(server, "pipeline_id=noop&mode=turbo"))) {
            JsonNode error = client.next(GENEROUS);
            assertThat(error).as("an answer to the handshake").isNotNull();

            assertThat(error.path("error").asText()).as("%s", error).isEqualTo("invalid_message");
            assertThat(error.path("detail").asText()).contains("turbo").contains("realtime, lossless");
            assertThat(client.awaitClose()).isEqualTo(1008);
        }
    }

    /** Sends {@link #FRAMES} frames back to back, then reads until each has its answer; warnings are skipped. */
    private static List<String> sendAndCollect(ProtocolClient client) {
        byte[] frame = SampleFrames.coffee();
        for (int i = 0; i < FRAMES; i++) {
            client.sendBinary(frame);
        }
        List<String> answers = new ArrayList<>();
        while (answers.size() < FRAMES) {
            JsonNode message = client.next(GENEROUS);
            assertThat(message).as("answers so far: %s", answers).isNotNull();
            if (message.has("warning")) {
                continue; // slow_down after drops: not an answer to a frame
            }
            answers.add(describe(message));
        }
        return answers;
    }

    private static List<Long> indexes(List<String> answers, String prefix) {
        return answers.stream().filter(a -> a.startsWith(prefix)).map(a -> Long.parseLong(a.substring(prefix.length()))).toList();
    }

    private static String describe(JsonNode message) {
        if (message.has("result")) {
            return "result " + message.get("frame_index").asLong();
        }
        if (message.path("dropped").asBoolean() && message.size() == 2) {
            return "dropped " + message.get("frame_index").asLong();
        }
        return message.toString();
    }

    private static URI stream(StreamingServer server, String query) {
        return URI.create(server.streamUri() + "?" + query);
    }
}
