package io.streaminfer.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.streaminfer.tck.RtspServer;
import io.streaminfer.tck.SampleFrames;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An RTSP camera: GStreamer's RTSP server on 127.0.0.1 serving an H.264 clip, pulled by a source
 * (Debian's FFmpeg as a child process) through {@code motion}; the camera goes away and comes
 * back; twenty reconnects leave no thread and no FFmpeg behind.
 */
class RtspSourceIntegrationTest {

    private static final Duration RESULTS = Duration.ofSeconds(40);

    private static StreamingServer start(Path dir, String url) throws Exception {
        Path sources = Files.writeString(dir.resolve("sources.json"),
                "[{\"id\": \"cam\", \"url\": \"" + url + "\", \"pipeline_id\": \"motion\", \"fps\": 5}]");
        return TestServers.start(Map.of("STREAM_SOURCES", sources.toString(),
                "STREAM_SOURCE_BACKOFF_MS", "200", "STREAM_SOURCE_MAX_BACKOFF_S", "2"));
    }

    @Test
    @DisplayName("results of an RTSP camera reach a watcher and the metrics; when the camera goes away the source retries with a doubling wait, and resumes when it returns")
    void cameraGoesAwayAndComesBack(@TempDir Path dir) throws Exception {
        RtspServer.assumeInstalled();
        try (RtspServer camera = RtspServer.start(dir);
             StreamingServer server = start(dir, camera.uri().toString());
             SourceWatcher watcher = SourceWatcher.connect(server, "/ws/sources/cam")) {
            await().atMost(RESULTS).until(() -> watcher.resultIndexes().size() >= 5);
            assertThat(watcher.messages().stream().map(SourceWatcher.Message::json))
                    .as("motion sees the moving test pattern").anyMatch(json -> json.path("result").path("detections").size() > 0);
            assertThat(watcher.messages().get(0).json().get("result").get("width").asInt()).isEqualTo(320);
            PrometheusText metrics = new PrometheusText(SourcesIntegrationTest.get(server, "/metrics").body());
            assertThat(metrics.value("stream_source_frames_processed_total{pipeline=\"motion\",source=\"cam\"}")).isPositive();
            assertThat(metrics.value("stream_source_connected{pipeline=\"motion\",source=\"cam\"}")).isEqualTo(1.0);
            JsonNode connected = SourcesIntegrationTest.status(server, "cam");
            assertThat(connected.get("kind").asText()).isEqualTo("ffmpeg");
            assertThat(connected.get("reconnects").asLong()).isZero();

            camera.stop();
            await().atMost(RESULTS).until(() -> SourcesIntegrationTest.status(server, "cam").get("backoff_ms").asLong() == 2000);
            JsonNode away = SourcesIntegrationTest.status(server, "cam");
            assertThat(away.get("state").asText()).isEqualTo("backoff");
            assertThat(away.get("reconnects").asLong()).as("200, 400, 800, 1600 ms, then the longest wait").isGreaterThanOrEqualTo(4);
            assertThat(away.get("last_error").asText()).isNotBlank();
            assertThat(new PrometheusText(SourcesIntegrationTest.get(server, "/metrics").body())
                    .value("stream_source_connected{pipeline=\"motion\",source=\"cam\"}")).isZero();
            assertThat(ffmpegChildren()).as("no FFmpeg runs while the camera is away, between attempts").isLessThanOrEqualTo(1);

            int before = watcher.resultIndexes().size();
            camera.start();
            await().atMost(RESULTS).until(() -> watcher.resultIndexes().size() >= before + 5);
            JsonNode back = SourcesIntegrationTest.status(server, "cam");
            assertThat(back.get("state").asText()).isEqualTo("connected");
            assertThat(back.get("connections").asLong()).isEqualTo(2);
        }
    }

    @Test
    @DisplayName("twenty reconnects (a one-second clip that ends each time) leave no thread and no FFmpeg process behind; removing the source ends both")
    void twentyReconnectsLeakNothing(@TempDir Path dir) throws Exception {
        RtspServer.assumeInstalled();
        Path clip = RtspServer.panningClip(dir, "coffee.mp4", SampleFrames.coffee(), 1);
        try (RtspServer camera = RtspServer.start(dir, clip);
             StreamingServer server = start(dir, camera.uri().toString())) {
            await().atMost(RESULTS).until(() -> SourcesIntegrationTest.status(server, "cam").get("connections").asLong() >= 3);
            int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();

            await().atMost(Duration.ofSeconds(150)).until(() ->
                    SourcesIntegrationTest.status(server, "cam").get("connections").asLong() >= 23);
            assertThat(ffmpegChildren()).as("at most the current connection's FFmpeg").isLessThanOrEqualTo(1);
            assertThat(threadsNamed("source-cam-ffmpeg")).as("at most the current connection's drain thread").isLessThanOrEqualTo(1);
            assertThat(ManagementFactory.getThreadMXBean().getThreadCount()).as("threads after twenty reconnects: %s",
                    threadNames()).isLessThanOrEqualTo(threadsBefore + 3);
            assertThat(SourcesIntegrationTest.status(server, "cam").get("processed").asLong()).isGreaterThanOrEqualTo(23);

            assertThat(server.sources().remove("cam")).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> ffmpegChildren() == 0 && threadsNamed("source-cam") == 0);
            assertThat(server.engine().activeSessions()).isZero();
        }
    }

    @Test
    @DisplayName("a video file is played by FFmpeg at its own speed, in a loop, at the source's fps")
    void videoFile(@TempDir Path dir) throws Exception {
        RtspServer.assumeInstalled();
        Path clip = RtspServer.panningClip(dir, "astronaut.mp4", SampleFrames.astronaut(), 2);
        try (StreamingServer server = start(dir, clip.toString());
             SourceWatcher watcher = SourceWatcher.connect(server, "/ws/sources/cam")) {
            await().atMost(RESULTS).until(() -> watcher.resultIndexes().size() >= 15);
            JsonNode status = SourcesIntegrationTest.status(server, "cam");
            assertThat(status.get("kind").asText()).isEqualTo("ffmpeg");
            assertThat(status.get("connections").asLong()).as("a 2 s clip gave 15 frames at 5 fps: it looped, without reconnecting")
                    .isEqualTo(1);
            assertThat(watcher.messages().get(0).json().get("result").get("width").asInt()).isPositive();
        }
    }

    @Test
    @DisplayName("a camera that refuses the connection: FFmpeg's reason is kept in last_error with the password masked, and the password shows nowhere")
    void refusedCameraWithAPassword(@TempDir Path dir) throws Exception {
        RtspServer.assumeInstalled();
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort(); // free once closed: nothing listens there
        }
        try (StreamingServer server = start(dir, "rtsp://viewer:hunter2%21@127.0.0.1:" + closed + "/clip")) {
            await().atMost(RESULTS).until(() -> !SourcesIntegrationTest.status(server, "cam").get("last_error").asText().isEmpty());
            String lastError = SourcesIntegrationTest.status(server, "cam").get("last_error").asText();
            assertThat(lastError).contains("refused").doesNotContain("hunter2");
            String everything = SourcesIntegrationTest.get(server, "/sources").body() + SourcesIntegrationTest.get(server, "/metrics").body();
            assertThat(everything).contains("viewer:***@127.0.0.1").doesNotContain("hunter2");
        }
    }

    private static long ffmpegChildren() {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().command().map(c -> c.endsWith("ffmpeg")).orElse(false)).count();
    }

    private static java.util.List<String> threadNames() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).sorted().toList();
    }

    private static long threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix)).count();
    }
}
