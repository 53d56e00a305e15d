package io.streaminfer.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streaminfer.core.StreamEngine;
import io.streaminfer.pipeline.PipelineOptions;
import io.streaminfer.pipeline.Pipelines;
import io.streaminfer.tck.SampleFrames;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.DataOutputStream;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Example 2 runs: the engine behind a plain TCP transport answers every frame, and refuses garbage in the protocol's words. */
class LengthPrefixedTcpTransportIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    @DisplayName("frames over plain TCP get the protocol's answers, one JSON line each")
    void framesOverTcp() throws Exception {
        StreamEngine engine = StreamEngine.builder(Pipelines.defaults(PipelineOptions.ofDefaults())).build();
        try (LengthPrefixedTcpTransport transport = new LengthPrefixedTcpTransport(engine);
             Socket socket = new Socket("127.0.0.1", transport.port())) {
            socket.setSoTimeout(10_000);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.write("image_stats\n".getBytes(StandardCharsets.UTF_8));
            List<byte[]> frames = List.of(SampleFrames.qrScene(), SampleFrames.coffee(), "not a jpeg".getBytes(StandardCharsets.UTF_8));
            for (byte[] frame : frames) {
                out.writeInt(frame.length);
                out.write(frame);
            }
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            List<JsonNode> answers = new ArrayList<>();
            for (int i = 0; i < frames.size(); i++) {
                answers.add(JSON.readTree(in.readLine()));
            }

            assertThat(answers).extracting(a -> a.get("frame_index").asInt()).containsExactlyInAnyOrder(1, 2, 3);
            JsonNode garbage = answers.stream().filter(a -> a.get("frame_index").asInt() == 3).findFirst().orElseThrow();
            assertThat(garbage.get("error").asText()).isEqualTo("invalid_frame");
            assertThat(answers.stream().filter(a -> a.has("result")).findFirst().orElseThrow().at("/result/width").asInt())
                    .isIn(640, 600);
        } finally {
            engine.shutdown(Duration.ofSeconds(5));
        }
    }
}
