package io.streaminfer.app;

import io.streaminfer.core.StreamConfig;
import io.streaminfer.tck.SampleFrames;
import io.streaminfer.tck.Timeouts;
import io.streaminfer.protocol.StreamAnswer;
import io.streaminfer.tyrus.StreamClient;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Settings read from an environment-style map reach the running app, over real sockets. */
class EnvironmentConfigIntegrationTest {

    /** Only what a test needs to run beside others; every engine setting keeps its default. */
    private static StreamingServer start(Map<String, String> extra) {
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                "STREAM_HOST", "127.0.0.1", "STREAM_PORT", "0", "STREAM_MANAGEMENT_PORT", "0",
                "STREAM_SHUTDOWN_GRACE_S", "5"));
        env.putAll(extra);
        return StreamingServer.start(EnvironmentConfig.parse(env));
    }

    @Test
    @DisplayName("by default there is no cap per address: one address opens 20 sessions (the old cap was 16) and each is served")
    void noCapPerAddressByDefault() throws Exception {
        try (StreamingServer server = start(Map.of());
             StreamClient client = StreamClient.create(URI.create("ws://127.0.0.1:" + server.port()))) {
            assertThat(server.engine().config().maxSessionsPerClient()).isZero();
            List<StreamClient.Stream> streams = new ArrayList<>();
            try {
                for (int i = 0; i < 20; i++) {
                    StreamClient.Stream stream = client.open("noop");
                    streams.add(stream);
                    stream.send(SampleFrames.coffee());
                    StreamAnswer answer = stream.next(Timeouts.ANSWER);
                    assertThat(answer).as("session %d", i + 1).isNotNull();
                    assertThat(answer.kind()).as("session %d", i + 1).isEqualTo(StreamAnswer.Kind.RESULT);
                }
                assertThat(server.engine().activeSessions()).isEqualTo(20);
            } finally {
                for (StreamClient.Stream stream : streams) {
                    stream.close();
                }
            }
        }
    }

    @Test
    @DisplayName("the engine the app runs has the values of the variables")
    void variablesReachTheEngine() {
        try (StreamingServer server = start(Map.of("STREAM_LOSSLESS_QUEUE_DEPTH", "7",
                "STREAM_MAX_FRAME_PIXELS", "1000000", "STREAM_MEMORY_BUDGET_MB", "64",
                "STREAM_MAX_SESSIONS_PER_CLIENT", "2"))) {
            StreamConfig config = server.engine().config();

            assertThat(config.losslessQueueDepth()).isEqualTo(7);
            assertThat(config.maxFramePixels()).isEqualTo(1_000_000L);
            assertThat(config.memoryBudgetBytes()).isEqualTo(64L * 1_048_576);
            assertThat(config.maxSessionsPerClient()).isEqualTo(2);
        }
    }
}
