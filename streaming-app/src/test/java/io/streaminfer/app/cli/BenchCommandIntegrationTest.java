package io.streaminfer.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streaminfer.app.ServerSettings;
import io.streaminfer.app.StreamingServer;
import io.streaminfer.app.TestServers;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code bench} against the real server over real sockets: functional checks on its counts, no timing assertions. */
class BenchCommandIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode bench(StreamingServer server, String... options) throws Exception {
        String[] args = new String[options.length + 4];
        args[0] = "bench";
        args[1] = "--url";
        args[2] = server.streamUri().toString();
        args[3] = "--json";
        System.arraycopy(options, 0, args, 4, options.length);
        CliRun run = CliRun.of(args);
        assertThat(run.status()).as(run.err()).isZero();
        return JSON.readTree(run.out());
    }

    private static void assertCountsAddUp(JsonNode report) {
        assertThat(report.get("sent").asLong()).isPositive().isEqualTo(report.get("results").asLong()
                + report.get("dropped").asLong() + report.get("failed").asLong() + report.get("unanswered").asLong());
    }

    @Test
    @DisplayName("a camera-paced run into an overloaded pipeline: counts add up, drops and slow_down are seen, latency is reported")
    void fixedRateIntoSlowPipeline() throws Exception {
        try (StreamingServer server = TestServers.start(Map.of("STREAM_DELAY_MS", "60"))) {
            JsonNode report = bench(server, "-p", "delay", "-n", "2", "--fps", "40", "--duration", "3s", "--warmup", "500ms");

            assertCountsAddUp(report);
            assertThat(report.get("connected").asInt()).isEqualTo(2);
            assertThat(report.get("results").asLong()).isPositive();
            assertThat(report.get("dropped").asLong()).as("40 fps into a 60 ms pipeline must drop").isPositive();
            assertThat(report.get("slow_downs").asLong()).isPositive();
            assertThat(report.get("unanswered").asLong()).isZero();
            assertThat(report.at("/latency_ms/p50").asDouble()).isGreaterThanOrEqualTo(60);
            assertThat(report.at("/latency_ms/count").asLong()).isEqualTo(report.get("results").asLong());
            assertThat(report.at("/fairness/mean").asDouble()).isPositive();
        }
    }

    @Test
    @DisplayName("an in-flight run on each runtime: every frame answered, the server's CPU per answer reported")
    void inFlightOnBothRuntimes() throws Exception {
        for (ServerSettings.Transport transport : ServerSettings.Transport.values()) {
            try (StreamingServer server = TestServers.start(transport, Map.of())) {
                JsonNode report = bench(server, "-n", "4", "--in-flight", "2", "--duration", "2s", "--warmup", "200ms",
                        "--server-pid", Long.toString(ProcessHandle.current().pid()));

                assertCountsAddUp(report);
                assertThat(report.get("unanswered").asLong()).as(transport.name()).isZero();
                assertThat(report.get("errors").asLong()).isZero();
                assertThat(report.get("server_cpu_micros_per_answer").asDouble()).isPositive();
                assertThat(report.get("mode").asText()).isEqualTo("in-flight=2");
            }
        }
    }

    @Test
    @DisplayName("the human table names every count; adaptive mode runs; a folder of frames is used")
    void tableAdaptiveAndFolder() throws Exception {
        try (StreamingServer server = TestServers.start(Map.of("STREAM_DELAY_MS", "40"))) {
            java.nio.file.Path folder = java.nio.file.Files.createTempDirectory("bench-frames");
            java.nio.file.Files.write(folder.resolve("a.jpg"), io.streaminfer.tck.SampleFrames.astronaut());
            java.nio.file.Files.write(folder.resolve("b.jpg"), io.streaminfer.tck.SampleFrames.coffee());
            CliRun run = CliRun.of("bench", "--url", server.streamUri().toString(), "-p", "delay", "--fps", "60",
                    "--adaptive", "--duration", "3s", "--warmup", "0s", "--frames", folder.toString());

            assertThat(run.status()).as(run.err()).isZero();
            assertThat(run.out()).contains("mode         fps=60.0 adaptive", "sent ", " results + ", " dropped + ",
                    " unanswered", "latency ms", "p99.9", "fairness", "first third");
        }
    }

    @Test
    @DisplayName("when no session can connect, bench says why and exits 1")
    void refusedHandshake() {
        try (StreamingServer server = TestServers.start(Map.of("STREAM_AUTH_TOKEN", "a-token-long-enough-1234"))) {
            CliRun run = CliRun.of("bench", "--url", server.streamUri().toString(), "-n", "2", "--duration", "1s");

            assertThat(run.status()).isEqualTo(1);
            assertThat(run.err()).contains("2 of 2 sessions could not connect: the server refused the handshake with HTTP 401");
        }
    }
}
