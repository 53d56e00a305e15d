package io.streaminfer.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streaminfer.tck.ProtocolClient;
import io.streaminfer.tck.SampleFrames;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.awaitility.Awaitility.await;

/** {@code kill -HUP} on the app's own JVM reloads the pipelines file, as an operator would do it. */
@EnabledOnOs({OS.LINUX, OS.MAC})
class PipelineReloadSignalIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Bounds failures, never a target. */
    private static final Duration GENEROUS = Duration.ofSeconds(60);

    @Test
    @DisplayName("SIGHUP reloads the pipelines file: pipelines_reloaded is logged and a running session's next answer"
            + " shows the new parameters; a broken file is refused with its reason in the log")
    void sighupReloads(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pipelines.json");
        Files.writeString(file, "{\"stats\": {\"steps\": [{\"step\": \"image_stats\", \"under_level\": 0}]}}");
        // a test run started under nohup (as CI may be) hands its children SIGHUP ignored, and a JVM keeps an
        // ignored SIGHUP ignored: start the server with the signal's default handling, as an operator's shell does
        assumeTrue(defaultSignalSupported(), "this env(1) has no --default-signal (GNU coreutils 8.31+)");
        try (AppProcess app = AppProcess.start(List.of("/usr/bin/env", "--default-signal=HUP"), List.of("-Xmx256m"),
                Map.of("STREAM_HOST", "127.0.0.1",
                "STREAM_PORT", "0", "STREAM_MANAGEMENT_PORT", "0", "STREAM_LOG_FORMAT", "json",
                "STREAM_PIPELINES", file.toString()));
             ProtocolClient session = ProtocolClient.connect(
                     URI.create("ws://127.0.0.1:" + app.port() + "/ws/video/stream?pipeline_id=stats"))) {
            assertThat(underexposed(session)).isLessThan(1.0);

            Files.writeString(file, "{\"stats\": {\"steps\": [{\"step\": \"image_stats\", \"under_level\": 255}]}}");
            hangUp(app);

            JsonNode reloaded = await().atMost(GENEROUS).until(() -> event(app, "pipelines_reloaded"), Optional::isPresent).get();
            assertThat(reloaded.path("generation").asLong()).isEqualTo(2);
            assertThat(underexposed(session)).isEqualTo(1.0);

            Files.writeString(file, "{\"stats\": {\"steps\": [{\"step\": \"image_stats\", \"under_level\": 300}]}}");
            hangUp(app);

            JsonNode refused = await().atMost(GENEROUS).until(() -> event(app, "pipelines_reload_refused"), Optional::isPresent).get();
            assertThat(refused.path("reason").asText()).contains("under_level");
            assertThat(underexposed(session)).isEqualTo(1.0);
            assertThat(app.isAlive()).isTrue();
            assertThat(session.isClosed()).isFalse();
        }
    }

    private static boolean defaultSignalSupported() {
        try {
            Process probe = new ProcessBuilder("/usr/bin/env", "--default-signal=HUP", "true").redirectErrorStream(true).start();
            return probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static double underexposed(ProtocolClient session) {
        session.sendBinary(SampleFrames.coffee());
        return session.next().path("result").path("image_stats").path("underexposed").asDouble();
    }

    private static void hangUp(AppProcess app) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(app.pid())).redirectErrorStream(true).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    private static Optional<JsonNode> event(AppProcess app, String name) {
        for (String line : app.lines()) {
            if (line.contains("\"" + name + "\"")) {
                try {
                    return Optional.of(JSON.readTree(line));
                } catch (IOException e) {
                    throw new AssertionError("not one JSON object: " + line, e);
                }
            }
        }
        return Optional.empty();
    }
}
