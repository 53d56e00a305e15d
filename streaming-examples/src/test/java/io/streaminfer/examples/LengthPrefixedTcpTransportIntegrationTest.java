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

/** Example 2 runs: the engine behind a plain TCP transport answers every frame, and refuses garbage in the protocol's words, ending the session. */
class LengthPrefixedTcpTransportIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    @DisplayName("frames over plain TCP get the protocol's answers, one JSON line each; garbage gets invalid_frame and the end of the session")
    void framesOverTcp() throws Exception {
        StreamEngine engine = StreamEngine.builder(Pipelines.defaults(PipelineOptions.ofDefaults())).build();
        try (LengthPrefixedTcpTransport transport = new LengthPrefixedTcpTransport(engine);
             Socket socket = new Socket("127.0.0.1", transport.port())) {
            socket.setSoTimeout(10_000);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.write("image_stats\n".getBytes(StandardCharsets.UTF_8));
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            for (byte[] frame : List.of(SampleFrames.qrScene(), SampleFrames.coffee())) {
                out.writeInt(frame.length);
                out.write(frame);
            }
            out.flush();
            List<JsonNode> answers = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                answers.add(JSON.readTree(in.readLine()));
            }

            assertThat(answers).extracting(a -> a.get("frame_index").asInt()).containsExactlyInAnyOrder(1, 2);
            JsonNode last = answers.stream().filter(a -> a.get("frame_index").asInt() == 2).findFirst().orElseThrow();
            assertThat(last.at("/result/width").asInt()).as("the newest frame is never dropped: %s", answers).isEqualTo(600);

            byte[] garbage = "not a jpeg".getBytes(StandardCharsets.UTF_8);
            out.writeInt(garbage.length);
            out.write(garbage);
            out.flush();
            JsonNode refusal = JSON.readTree(in.readLine());
            assertThat(refusal.get("error").asText()).isEqualTo("invalid_frame");
            assertThat(refusal.get("frame_index").asInt()).isEqualTo(3);
            assertThat(in.readLine()).as("the engine ends the session: the transport closes the socket").isNull();
        } finally {
            engine.shutdown(Duration.ofSeconds(5));
        }
    }
}
