package io.streaminfer.app;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streaminfer.tck.ProtocolClient;
import io.streaminfer.tck.SampleFrames;
import io.streaminfer.tck.Timeouts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code POST /pipelines/reload} on the real app while sessions stream: the pipelines file is read
 * again, running sessions move to the new pipelines at a frame boundary, nothing is dropped or
 * closed, and a broken file changes nothing.
 */
class PipelineReloadIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "reload-test-token";
    private static final int SESSIONS = 8;
    private static final Duration FRAME_INTERVAL = Duration.ofMillis(50); // 20 fps
    /** Bounds failures, never a target. */
    private static final Duration GENEROUS = Duration.ofSeconds(60);

    // under_level 0: only pure black pixels count as underexposed (none in coffee.jpg); 255: all of them
    private static final String BEFORE = """
            {"stats": {"steps": [{"step": "image_stats", "under_level": 0}]},
             "gone": {"steps": [{"step": "noop"}]}}""";
    private static final String AFTER = """
            {"stats": {"steps": [{"step": "image_stats", "under_level": 255}]},
             "added": {"steps": [{"step": "noop"}]}}""";
    private static final String BROKEN = """
            {"stats": {"steps": [{"step": "image_stats", "under_level": 300}]}}""";

    private final HttpClient http = HttpClient.newHttpClient();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    @BeforeEach
    void captureLogs() {
        logs.start();
        root.addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        root.detachAppender(logs);
    }

    /** One streaming client: sends at 20 fps on the shared scheduler, and reads its answers on its own thread. */
    private static final class Camera implements AutoCloseable {
        final ProtocolClient client;
        final AtomicLong sent = new AtomicLong();
        final List<JsonNode> answers = new CopyOnWriteArrayList<>();
        final Thread reader;
        volatile boolean reading = true;
        ScheduledFuture<?> sending;

        Camera(URI uri) throws Exception {
            client = ProtocolClient.connect(uri);
            reader = new Thread(() -> {
                while (reading) {
                    JsonNode answer = client.next(Duration.ofMillis(100));
                    if (answer != null) {
                        answers.add(answer);
                    }
                }
            }, "camera-reader");
            reader.start();
        }

        void start(ScheduledExecutorService scheduler) {
            sending = scheduler.scheduleAtFixedRate(() -> {
                if (!client.isClosed()) {
                    client.sendBinary(SampleFrames.coffee());
                    sent.incrementAndGet();
                }
            }, 0, FRAME_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        }

        void stop() {
            sending.cancel(false);
        }

        /** @return the underexposed fraction of every result so far, in order */
        List<Double> underexposed() {
            return answers.stream().filter(a -> a.has("result"))
                    .map(a -> a.path("result").path("image_stats").path("underexposed").asDouble()).toList();
        }

        long resultsAfterSwitch() {
            return underexposed().stream().filter(u -> u == 1.0).count();
        }

        @Override
        public void close() throws InterruptedException {
            reading = false;
            reader.join(Timeouts.CLOSE.toMillis());
            client.close();
        }
    }

    @Test
    @DisplayName("8 sessions at 20 fps through a reload that changes a pipeline's parameters: every frame answered once,"
            + " none closed, answers after the switch show the new parameters; a broken file leaves everything as it was")
    void reloadUnderLoad(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pipelines.json");
        Files.writeString(file, BEFORE);
        List<Camera> cameras = new ArrayList<>();
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
        try (StreamingServer server = TestServers.start(Map.of("STREAM_PIPELINES", file.toString(),
                "STREAM_MANAGEMENT_TOKEN", TOKEN))) {
            for (int i = 0; i < SESSIONS; i++) {
                cameras.add(new Camera(URI.create(server.streamUri() + "?pipeline_id=stats&mode=lossless")));
            }
            cameras.forEach(camera -> camera.start(scheduler));
            await().atMost(GENEROUS).until(() -> cameras.stream().allMatch(c -> c.underexposed().size() >= 10));

            Files.writeString(file, AFTER);
            HttpResponse<String> reloaded = reload(server, TOKEN);

            assertThat(reloaded.statusCode()).as(reloaded.body()).isEqualTo(200);
            JsonNode body = JSON.readTree(reloaded.body());
            assertThat(body.path("status").asText()).isEqualTo("reloaded");
            assertThat(body.path("generation").asLong()).isEqualTo(2);
            assertThat(body.path("pipelines")).extracting(JsonNode::asText).containsExactly("stats", "added");
            assertThat(event("pipelines_reloaded")).isNotNull();
            await().atMost(GENEROUS).until(() -> cameras.stream().allMatch(c -> c.resultsAfterSwitch() >= 10));
            String metrics = get(server, "/metrics").body();
            assertThat(metrics).contains("stream_frames_received_total{pipeline=\"added\"}")
                    .doesNotContain("pipeline=\"gone\"");

            Files.writeString(file, BROKEN);
            HttpResponse<String> refused = reload(server, TOKEN);

            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
            JsonNode refusal = JSON.readTree(refused.body());
            assertThat(refusal.path("error").asText()).isEqualTo("invalid_pipelines_file");
            assertThat(refusal.path("detail").asText()).contains("under_level").doesNotContain(dir.toString());
            assertThat(refusal.path("generation").asLong()).isEqualTo(2);
            ILoggingEvent logged = event("pipelines_reload_refused");
            assertThat(logged).isNotNull();
            assertThat(String.valueOf(keyValues(logged).get("reason"))).contains("under_level");
            long before = cameras.get(0).underexposed().size();
            await().atMost(GENEROUS).until(() -> cameras.get(0).underexposed().size() >= before + 10);
            try (ProtocolClient late = ProtocolClient.connect(URI.create(server.streamUri() + "?pipeline_id=stats"))) {
                late.sendBinary(SampleFrames.coffee());
                assertThat(late.next().path("result").path("image_stats").path("underexposed").asDouble())
                        .as("new sessions get the last good pipelines").isEqualTo(1.0);
            }

            cameras.forEach(Camera::stop);
            await().atMost(GENEROUS).until(() -> cameras.stream().allMatch(c -> c.answers.size() >= c.sent.get()));
            for (Camera camera : cameras) {
                List<Long> indexes = camera.answers.stream().map(a -> a.path("frame_index").asLong()).toList();
                assertThat(indexes).as("exactly one answer per frame").containsExactlyInAnyOrderElementsOf(
                        LongStream.rangeClosed(1, camera.sent.get()).boxed().toList());
                assertThat(camera.answers).as("no errors").noneMatch(a -> a.has("error"));
                assertThat(camera.client.isClosed()).as("no session closed").isFalse();
                List<Double> underexposed = camera.underexposed();
                int switched = underexposed.indexOf(1.0);
                assertThat(underexposed.subList(0, switched)).as("before the switch: the old parameters")
                        .isNotEmpty().allMatch(u -> u < 1.0);
                assertThat(underexposed.subList(switched, underexposed.size()))
                        .as("from the switch on, every answer shows the new parameters").allMatch(u -> u == 1.0);
            }
        } finally {
            scheduler.shutdownNow();
            for (Camera camera : cameras) {
                camera.close();
            }
        }
    }

    @Test
    @DisplayName("POST /pipelines/reload is guarded like /sessions, and other methods on it are 405 with Allow: POST")
    void reloadIsGuarded(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pipelines.json");
        Files.writeString(file, BEFORE);
        try (StreamingServer server = TestServers.start(Map.of("STREAM_PIPELINES", file.toString(),
                "STREAM_MANAGEMENT_TOKEN", TOKEN))) {
            assertThat(reload(server, null).statusCode()).isEqualTo(401);
            assertThat(reload(server, "wrong").statusCode()).isEqualTo(401);
            HttpResponse<String> get = get(server, "/pipelines/reload");
            assertThat(get.statusCode()).isEqualTo(405);
            assertThat(get.headers().firstValue("Allow")).hasValue("POST");
            assertThat(server.pipelineIds()).containsExactly("stats", "gone");
        }
    }

    private HttpResponse<String> reload(StreamingServer server, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.managementUri().resolve("/pipelines/reload"))
                .timeout(GENEROUS).POST(HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(StreamingServer server, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(server.managementUri().resolve(path)).timeout(GENEROUS).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private ILoggingEvent event(String name) {
        return List.copyOf(logs.list).stream().filter(e -> name.equals(e.getMessage())).findFirst().orElse(null);
    }

    private static Map<String, Object> keyValues(ILoggingEvent event) {
        Map<String, Object> values = new java.util.HashMap<>();
        if (event.getKeyValuePairs() != null) {
            event.getKeyValuePairs().forEach(pair -> values.put(pair.key, pair.value));
        }
        return values;
    }
}
