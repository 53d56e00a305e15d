package io.streaminfer.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.streaminfer.tck.Mosquitto;
import io.streaminfer.tck.RawWebSocket;
import io.streaminfer.tck.SampleFrames;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Sources the server pulls itself, from the server as operators run it: a folder and an MJPEG
 * camera (the JDK's HTTP server streaming {@code multipart/x-mixed-replace}, with a password)
 * through {@code motion → track → zones} to watchers and to a real Mosquitto broker; a watcher
 * that never reads; and the management API that adds and removes sources.
 */
class SourcesIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration RESULTS = Duration.ofSeconds(30);
    private static final String TOKEN = "management-secret";
    /** One client for every request: each JDK client holds a selector thread until it is collected. */
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** The zones pipeline of {@link ZonesIntegrationTest} with an MQTT sink, and a cheap one. */
    private static String pipelines(Mosquitto broker) {
        return """
                {"doorway": {"steps": [
                   {"step": "motion", "learning_rate": 1.0},
                   {"step": "track", "min_hits": 2},
                   {"step": "zones",
                    "lines": [{"name": "gate", "from": [0.5, 0], "to": [0.5, 1]}]}],
                  "sinks": [{"sink": "mqtt", "url": "BROKER", "topic": "sources/{pipeline_id}/events", "qos": 1}]},
                 "stats": {"steps": [{"step": "image_stats"}]}}
                """.replace("BROKER", broker == null ? "tcp://127.0.0.1:1" : broker.url());
    }

    /** coffee.jpg, then the textured square moving right by {@code step} pixels a frame. */
    private static List<byte[]> squareCrossing(int step) throws IOException {
        List<byte[]> frames = new ArrayList<>();
        frames.add(SampleFrames.coffee());
        for (int x = 40; x <= 520; x += step) {
            frames.add(SampleFrames.coffeeWithSquareAt(x));
        }
        return frames;
    }

    private static Path folderOf(Path dir, List<byte[]> frames) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("frames"));
        for (int i = 0; i < frames.size(); i++) {
            Files.write(folder.resolve(String.format("frame-%03d.jpg", i)), frames.get(i));
        }
        return folder;
    }

    @Test
    @DisplayName("a folder source feeds its pipeline at its fps: watchers get the results (with each frame's JPEG when they ask) and the line's crossings reach MQTT")
    void folderToWatcherAndBroker(@TempDir Path dir) throws Exception {
        Mosquitto.assumeInstalled();
        try (Mosquitto broker = Mosquitto.start(dir)) {
            List<byte[]> frames = squareCrossing(16);
            Path folder = folderOf(dir, frames);
            Path sources = Files.writeString(dir.resolve("sources.json"),
                    "[{\"id\": \"demo\", \"url\": \"" + folder + "\", \"pipeline_id\": \"doorway\", \"fps\": 10}]");
            List<JsonNode> events = subscribe(broker, "sources/doorway/events");
            try (StreamingServer server = start(dir, broker, Map.of("STREAM_SOURCES", sources.toString()));
                 SourceWatcher plain = SourceWatcher.connect(server, "/ws/sources/demo");
                 SourceWatcher withFrames = SourceWatcher.connect(server, "/ws/sources/demo?frames=true")) {

                await().atMost(RESULTS).until(() -> events.stream().anyMatch(e -> "cross".equals(e.path("type").asText())));
                JsonNode crossing = events.stream().filter(e -> "cross".equals(e.path("type").asText())).findFirst().orElseThrow();
                assertThat(crossing.get("pipeline_id").asText()).isEqualTo("doorway");
                assertThat(crossing.get("line").asText()).isEqualTo("gate");
                assertThat(crossing.get("direction").asText()).isNotBlank();

                await().atMost(RESULTS).until(() -> plain.resultIndexes().size() >= 20 && withFrames.resultIndexes().size() >= 20);
                assertThat(plain.resultIndexes()).as("results in frame order").isSorted();
                assertThat(plain.messages()).allMatch(m -> m.frame().length == 0);
                assertThat(plain.messages().stream().map(SourceWatcher.Message::json))
                        .anyMatch(json -> json.path("result").path("events").toString().contains("cross"));
                for (SourceWatcher.Message message : withFrames.messages()) {
                    assertThat(frames).as("each result comes after the very JPEG it is about")
                            .anyMatch(frame -> java.util.Arrays.equals(frame, message.frame()));
                    assertThat(message.json().get("result").get("width").asInt()).isEqualTo(600);
                }

                JsonNode status = JSON.readTree(get(server, "/sources/demo").body());
                assertThat(status.get("state").asText()).isEqualTo("connected");
                assertThat(status.get("kind").asText()).isEqualTo("folder");
                assertThat(status.get("processed").asLong()).isPositive();
                assertThat(status.get("watchers").asInt()).isEqualTo(2);
                PrometheusText metrics = new PrometheusText(get(server, "/metrics").body());
                assertThat(metrics.value("stream_source_frames_processed_total{pipeline=\"doorway\",source=\"demo\"}")).isPositive();
                assertThat(metrics.value("stream_source_connected{pipeline=\"doorway\",source=\"demo\"}")).isEqualTo(1.0);
                assertThat(metrics.value("stream_source_watchers{pipeline=\"doorway\",source=\"demo\"}")).isEqualTo(2.0);
            }
        }
    }

    @Test
    @DisplayName("an MJPEG camera over HTTP with a password: frames beyond the source's fps are skipped, results reach the watcher and crossings reach MQTT, and the password is shown nowhere")
    void mjpegCameraToWatcherAndBroker(@TempDir Path dir) throws Exception {
        Mosquitto.assumeInstalled();
        List<byte[]> frames = squareCrossing(8);
        ScheduledExecutorService camera = Executors.newSingleThreadScheduledExecutor();
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.setExecutor(Executors.newCachedThreadPool());
        http.createContext("/video.mjpg", exchange -> {
            String expected = "Basic " + Base64.getEncoder().encodeToString("viewer:s3cret-pass".getBytes(StandardCharsets.UTF_8));
            if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                exchange.sendResponseHeaders(401, -1);
                exchange.close();
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "multipart/x-mixed-replace; boundary=frame");
            exchange.sendResponseHeaders(200, 0);
            OutputStream body = exchange.getResponseBody();
            java.util.concurrent.CompletableFuture<Void> gone = new java.util.concurrent.CompletableFuture<>();
            int[] next = {0};
            java.util.concurrent.ScheduledFuture<?> writer = camera.scheduleAtFixedRate(() -> { // a 20 fps camera
                try {
                    byte[] jpeg = frames.get(next[0]++ % frames.size());
                    body.write(("--frame\r\nContent-Type: image/jpeg\r\nContent-Length: " + jpeg.length + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    body.write(jpeg);
                    body.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    body.flush();
                } catch (IOException e) {
                    gone.complete(null);
                    throw new java.io.UncheckedIOException(e);
                }
            }, 0, 50, TimeUnit.MILLISECONDS);
            gone.join();
            writer.cancel(false);
            exchange.close();
        });
        http.start();
        try (Mosquitto broker = Mosquitto.start(dir)) {
            String url = "http://viewer:s3cret-pass@127.0.0.1:" + http.getAddress().getPort() + "/video.mjpg";
            Path sources = Files.writeString(dir.resolve("sources.json"),
                    "[{\"id\": \"cam\", \"url\": \"" + url + "\", \"pipeline_id\": \"doorway\", \"fps\": 10}]");
            List<JsonNode> events = subscribe(broker, "sources/doorway/events");
            try (StreamingServer server = start(dir, broker, Map.of("STREAM_SOURCES", sources.toString()));
                 SourceWatcher watcher = SourceWatcher.connect(server, "/ws/sources/cam")) {
                await().atMost(RESULTS).until(() -> events.stream().anyMatch(e -> "cross".equals(e.path("type").asText())));
                await().atMost(RESULTS).until(() -> watcher.resultIndexes().size() >= 10);
                assertThat(watcher.resultIndexes()).isSorted();

                String listing = get(server, "/sources").body();
                JsonNode cam = JSON.readTree(listing).get(0);
                assertThat(cam.get("kind").asText()).isEqualTo("mjpeg");
                assertThat(cam.get("url").asText()).isEqualTo("http://viewer:***@127.0.0.1:" + http.getAddress().getPort() + "/***");
                assertThat(cam.get("skipped").asLong()).as("a 20 fps camera read at 10 fps").isPositive();
                assertThat(listing + get(server, "/metrics").body() + get(server, "/pipelines").body()).doesNotContain("s3cret");
            }
        } finally {
            http.stop(0);
            camera.shutdownNow();
        }
    }

    @Test
    @DisplayName("a watcher that never reads loses results but neither slows the source nor costs another watcher a single result")
    void aWatcherThatNeverReads(@TempDir Path dir) throws Exception {
        Path folder = folderOf(dir, squareCrossing(16));
        Path sources = Files.writeString(dir.resolve("sources.json"),
                "[{\"id\": \"demo\", \"url\": \"" + folder + "\", \"pipeline_id\": \"stats\", \"fps\": 20}]");
        try (StreamingServer server = start(dir, null, Map.of("STREAM_SOURCES", sources.toString()));
             SourceWatcher reader = SourceWatcher.connect(server, "/ws/sources/demo");
             RawWebSocket stuck = RawWebSocket.connect(URI.create("ws://127.0.0.1:" + server.port()), 4096)
                     .upgradeTo("/ws/sources/demo?frames=true")) {
            // the stuck watcher takes JPEGs it never reads: once its socket is full it loses every result
            await().atMost(RESULTS).until(() -> status(server, "demo").get("lost_by_watchers").asLong() > 10);
            JsonNode before = status(server, "demo");
            long fromIndex = reader.resultIndexes().isEmpty() ? 1 : reader.resultIndexes().get(reader.resultIndexes().size() - 1);
            await().atMost(RESULTS).until(() -> status(server, "demo").get("processed").asLong() >= before.get("processed").asLong() + 60);
            long toIndex = fromIndex + 50;
            await().atMost(RESULTS).until(() -> reader.resultIndexes().stream().anyMatch(i -> i >= toIndex));
            JsonNode after = status(server, "demo");
            assertThat(after.get("frames_in").asLong() - before.get("frames_in").asLong())
                    .as("the source kept reading").isGreaterThanOrEqualTo(60);
            List<Long> received = reader.resultIndexes();
            long missing = 0;
            for (long index = fromIndex; index <= toIndex; index++) {
                missing += received.contains(index) ? 0 : 1;
            }
            assertThat(missing).as("the reading watcher lost no result: only frames the pipeline never ran on (dropped by"
                    + " backpressure) are missing").isLessThanOrEqualTo(after.get("dropped").asLong() - before.get("dropped").asLong());
        }
    }

    @Test
    @DisplayName("a corrupt frame from a camera is skipped and counted, not a reconnect; a camera that sends nothing usable is retried with the reason")
    void corruptFramesAreSkipped(@TempDir Path dir) throws Exception {
        List<byte[]> good = squareCrossing(160); // coffee.jpg and the square at 40, 200, 360, 520
        byte[] truncated = java.util.Arrays.copyOf(good.get(1), good.get(1).length / 2); // a torn frame: no EOI
        byte[] garbage = "not a picture at all".getBytes(StandardCharsets.US_ASCII);
        Path glitchy = folderOf(dir.resolve("glitchy"), List.of(good.get(0), garbage, good.get(1), truncated, good.get(2)));
        Path broken = folderOf(dir.resolve("broken"), List.of(garbage, truncated));
        Path sources = Files.writeString(dir.resolve("sources.json"), "["
                + "{\"id\": \"glitchy\", \"url\": \"" + glitchy + "\", \"pipeline_id\": \"stats\", \"fps\": 20},"
                + "{\"id\": \"broken\", \"url\": \"" + broken + "\", \"pipeline_id\": \"stats\", \"fps\": 20}]");
        try (StreamingServer server = start(dir, null, Map.of("STREAM_SOURCES", sources.toString()));
             SourceWatcher watcher = SourceWatcher.connect(server, "/ws/sources/glitchy")) {
            await().atMost(RESULTS).until(() -> status(server, "glitchy").get("invalid").asLong() >= 6); // three rounds
            JsonNode glitchyStatus = status(server, "glitchy");
            assertThat(glitchyStatus.get("state").asText()).isEqualTo("connected");
            assertThat(glitchyStatus.get("connections").asLong()).as("one connection all along").isEqualTo(1);
            assertThat(glitchyStatus.get("reconnects").asLong()).isZero();
            assertThat(glitchyStatus.get("failed").asLong()).as("never sent to the pipeline").isZero();
            assertThat(glitchyStatus.get("last_error").asText()).startsWith("a frame was refused: ");
            await().atMost(RESULTS).until(() -> watcher.resultIndexes().size() >= 6);
            assertThat(watcher.messages()).as("only the good frames reach the pipeline and the watchers")
                    .allMatch(m -> m.json().get("result").path("image_stats").has("mean_luma"));

            // read in backoff: once the next connection runs, its first refused frame is the last error again
            JsonNode brokenStatus = await().atMost(RESULTS).until(() -> status(server, "broken"),
                    s -> s.get("reconnects").asLong() >= 1 && s.get("state").asText().equals("backoff"));
            assertThat(brokenStatus.get("processed").asLong()).isZero();
            assertThat(brokenStatus.get("invalid").asLong()).isGreaterThanOrEqualTo(5);
            assertThat(brokenStatus.get("last_error").asText())
                    .as("STREAM_MAX_CONSECUTIVE_FAILURES frames in a row, then a reconnect")
                    .startsWith("5 frames in a row were refused, the last: ").doesNotContain(dir.toString());
            PrometheusText metrics = new PrometheusText(get(server, "/metrics").body());
            assertThat(metrics.value("stream_source_frames_invalid_total{pipeline=\"stats\",source=\"glitchy\"}"))
                    .isGreaterThanOrEqualTo(6);
        }
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.EnumSource(ServerSettings.Transport.class)
    @DisplayName("every WebSocket server of the standalone app serves the watchers")
    void everyTransportServesWatchers(ServerSettings.Transport transport, @TempDir Path dir) throws Exception {
        Path folder = folderOf(dir, squareCrossing(64));
        Path sources = Files.writeString(dir.resolve("sources.json"),
                "[{\"id\": \"demo\", \"url\": \"" + folder + "\", \"pipeline_id\": \"stats\", \"fps\": 20}]");
        Map<String, String> env = new HashMap<>();
        env.put("STREAM_SOURCES", sources.toString());
        env.put("STREAM_SERVER", transport.name().toLowerCase(java.util.Locale.ROOT));
        try (StreamingServer server = start(dir, null, env);
             SourceWatcher watcher = SourceWatcher.connect(server, "/ws/sources/demo?frames=true")) {
            await().atMost(RESULTS).until(() -> watcher.resultIndexes().size() >= 5);
            assertThat(watcher.messages()).allMatch(m -> m.frame().length > 0 && m.json().get("result").path("image_stats").has("mean_luma"));
        }
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.EnumSource(ServerSettings.Transport.class)
    @DisplayName("STREAM_MAX_WATCHERS_PER_CLIENT caps an address's watchers (server_busy, 1013) on every server; the place comes back when the source is removed and when the server stops")
    void watcherCapFromTheEnvironment(ServerSettings.Transport transport, @TempDir Path dir) throws Exception {
        Path folder = folderOf(dir, squareCrossing(64));
        Path sources = Files.writeString(dir.resolve("sources.json"),
                "[{\"id\": \"demo\", \"url\": \"" + folder + "\", \"pipeline_id\": \"stats\", \"fps\": 20},"
                        + " {\"id\": \"hall\", \"url\": \"" + folder + "\", \"pipeline_id\": \"stats\", \"fps\": 20}]");
        Map<String, String> env = new HashMap<>();
        env.put("STREAM_SOURCES", sources.toString());
        env.put("STREAM_SERVER", transport.name().toLowerCase(java.util.Locale.ROOT));
        env.put("STREAM_MAX_WATCHERS_PER_CLIENT", "1");
        env.put("STREAM_MANAGEMENT_TOKEN", TOKEN);
        StreamingServer server = start(dir, null, env);
        SourceWatcher last;
        try (server) {
            assertThat(server.engine().config().maxWatchers()).as("STREAM_MAX_WATCHERS at its default").isEqualTo(256);
            try (SourceWatcher first = SourceWatcher.connect(server, "/ws/sources/demo");
                 SourceWatcher second = SourceWatcher.connect(server, "/ws/sources/hall")) {
                assertThat(second.closed().get(10, TimeUnit.SECONDS)).isEqualTo(1013);
                assertThat(second.messages().get(0).json().get("error").asText()).isEqualTo("server_busy");
                await().atMost(RESULTS).until(() -> !first.resultIndexes().isEmpty());

                assertThat(delete(server, "/sources/demo", TOKEN).statusCode()).isEqualTo(204);
                assertThat(first.closed().get(10, TimeUnit.SECONDS)).isEqualTo(1001);
                await().atMost(Duration.ofSeconds(10)).until(() -> server.engine().watchers() == 0);
            }
            last = SourceWatcher.connect(server, "/ws/sources/hall");
            await().atMost(RESULTS).until(() -> !last.resultIndexes().isEmpty());
            assertThat(server.engine().watchers()).isEqualTo(1);
        }
        try (last) { // the server stopped with it connected: the stop alone gave its place back
            assertThat(server.engine().watchers()).as("places after the server stopped").isZero();
        }
    }

    @Test
    @DisplayName("a camera that keeps the connection open but stops sending is cut after the stall timeout and retried, with the reason")
    void aStalledCameraIsRetried(@TempDir Path dir) throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.setExecutor(Executors.newCachedThreadPool());
        http.createContext("/video.mjpg", exchange -> {
            connections.incrementAndGet();
            exchange.getResponseHeaders().set("Content-Type", "multipart/x-mixed-replace; boundary=frame");
            exchange.sendResponseHeaders(200, 0);
            byte[] jpeg = SampleFrames.coffee();
            exchange.getResponseBody().write(("--frame\r\nContent-Type: image/jpeg\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            exchange.getResponseBody().write(jpeg);
            exchange.getResponseBody().flush();
            try {
                release.await(); // one frame, then silence with the connection open
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        http.start();
        try {
            Path sources = Files.writeString(dir.resolve("sources.json"), "[{\"id\": \"cam\", \"url\": \"http://127.0.0.1:"
                    + http.getAddress().getPort() + "/video.mjpg\", \"pipeline_id\": \"stats\"}]");
            try (StreamingServer server = start(dir, null, Map.of("STREAM_SOURCES", sources.toString(),
                    "STREAM_SOURCE_STALL_TIMEOUT_S", "1", "STREAM_SOURCE_BACKOFF_MS", "100"))) {
                await().atMost(RESULTS).until(() -> connections.get() >= 3);
                JsonNode status = status(server, "cam");
                assertThat(status.get("last_error").asText()).isEqualTo("no frame for 1 s");
                assertThat(status.get("connections").asLong()).as("each connection brought its one frame").isGreaterThanOrEqualTo(2);
                assertThat(status.get("processed").asLong()).isGreaterThanOrEqualTo(2);
            }
        } finally {
            release.countDown();
            http.stop(0);
        }
    }

    @Test
    @DisplayName("a reload moves a running source to the new pipeline at a frame boundary: no reconnect, no gap, watchers see the new parameters")
    void reloadMovesARunningSource(@TempDir Path dir) throws Exception {
        Path folder = folderOf(dir, squareCrossing(32));
        Path pipelines = Files.writeString(dir.resolve("pipelines.json"),
                "{\"stats\": {\"steps\": [{\"step\": \"image_stats\", \"under_level\": 0}]}}");
        Path sources = Files.writeString(dir.resolve("sources.json"),
                "[{\"id\": \"demo\", \"url\": \"" + folder + "\", \"pipeline_id\": \"stats\", \"fps\": 20}]");
        try (StreamingServer server = TestServers.start(Map.of("STREAM_PIPELINES", pipelines.toString(),
                "STREAM_SOURCES", sources.toString(), "STREAM_MANAGEMENT_TOKEN", TOKEN));
             SourceWatcher watcher = SourceWatcher.connect(server, "/ws/sources/demo")) {
            await().atMost(RESULTS).until(() -> watcher.resultIndexes().size() >= 5);
            Files.writeString(pipelines, "{\"stats\": {\"steps\": [{\"step\": \"image_stats\", \"under_level\": 255}]}}");
            HttpResponse<String> reloaded = post(server, "/pipelines/reload", "", TOKEN);
            assertThat(reloaded.statusCode()).as(reloaded.body()).isEqualTo(200);
            await().atMost(RESULTS).until(() -> watcher.messages().stream()
                    .anyMatch(m -> m.json().path("result").path("image_stats").path("underexposed").asDouble() == 1.0));
            int switched = watcher.messages().size();
            await().atMost(RESULTS).until(() -> watcher.messages().size() >= switched + 5);

            List<Double> underexposed = watcher.messages().stream()
                    .map(m -> m.json().path("result").path("image_stats").path("underexposed").asDouble()).toList();
            int first = underexposed.indexOf(1.0);
            assertThat(underexposed.subList(0, first)).as("before the switch: the old parameters").allMatch(u -> u < 1.0);
            assertThat(underexposed.subList(first, underexposed.size())).as("after it: the new ones, for good").allMatch(u -> u == 1.0);
            List<Long> indexes = watcher.resultIndexes();
            JsonNode status = status(server, "demo");
            long missing = indexes.get(indexes.size() - 1) - indexes.get(0) + 1 - indexes.size();
            assertThat(missing).as("no result lost across the switch beyond frames dropped by backpressure")
                    .isLessThanOrEqualTo(status.get("dropped").asLong());
            assertThat(status.get("connections").asLong()).as("the source did not reconnect").isEqualTo(1);
            assertThat(status.get("reconnects").asLong()).isZero();
        }
    }

    @Test
    @DisplayName("the management API adds a source (with the token), refuses a duplicate, an unknown pipeline and a broken definition with the reason, serves its latest frame, and removes it: watchers closed with 1001, meters gone")
    void managementApi(@TempDir Path dir) throws Exception {
        Path folder = folderOf(dir, squareCrossing(32));
        String definition = "{\"id\": \"lobby\", \"url\": \"" + folder + "\", \"pipeline_id\": \"stats\", \"fps\": 5}";
        try (StreamingServer server = start(dir, null, Map.of("STREAM_MANAGEMENT_TOKEN", TOKEN,
                "STREAM_SOURCES_ROOT", dir.toString()))) { // folders through the API only under the root
            assertThat(post(server, "/sources", definition, null).statusCode()).isEqualTo(401);
            assertThat(post(server, "/sources", definition, "wrong").statusCode()).isEqualTo(401);
            HttpResponse<String> added = post(server, "/sources", definition, TOKEN);
            assertThat(added.statusCode()).isEqualTo(201);
            assertThat(added.headers().firstValue("Location")).hasValue("/sources/lobby");
            assertThat(JSON.readTree(added.body()).get("id").asText()).isEqualTo("lobby");

            HttpResponse<String> duplicate = post(server, "/sources", definition, TOKEN);
            assertThat(duplicate.statusCode()).isEqualTo(409);
            assertThat(JSON.readTree(duplicate.body()).get("detail").asText()).contains("lobby", "exists");
            HttpResponse<String> unknown = post(server, "/sources", definition.replace("lobby", "hall").replace("stats", "nope"), TOKEN);
            assertThat(unknown.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(unknown.body()).get("detail").asText()).contains("unknown pipeline 'nope'", "stats");
            HttpResponse<String> broken = post(server, "/sources", "{\"id\": \"x\", \"url\": 3}", TOKEN);
            assertThat(broken.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(broken.body()).get("detail").asText()).contains("\"url\" must be a string");

            try (SourceWatcher watcher = SourceWatcher.connect(server, "/ws/sources/lobby");
                 SourceWatcher nobody = SourceWatcher.connect(server, "/ws/sources/nobody")) {
                assertThat(nobody.closed().get(10, TimeUnit.SECONDS)).isEqualTo(1008);
                assertThat(nobody.messages().get(0).json().get("error").asText()).isEqualTo("invalid_source");
                assertThat(nobody.messages().get(0).json().get("detail").asText()).contains("nobody", "lobby");

                await().atMost(RESULTS).until(() -> !watcher.resultIndexes().isEmpty());
                HttpRequest.Builder picture = HttpRequest.newBuilder(URI.create(server.managementUri() + "/sources/lobby/latest.jpg"));
                assertThat(HTTP.send(picture.build(), HttpResponse.BodyHandlers.ofByteArray()).statusCode())
                        .as("a live picture of the camera needs the token").isEqualTo(401);
                HttpResponse<byte[]> latest = HTTP.send(picture.header("Authorization", "Bearer " + TOKEN).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertThat(latest.statusCode()).isEqualTo(200);
                assertThat(latest.headers().firstValue("Content-Type")).hasValue("image/jpeg");
                assertThat(ImageIO.read(new ByteArrayInputStream(latest.body())).getWidth()).isEqualTo(600);
                assertThat(get(server, "/metrics").body()).contains("stream_source_frames_in_total{pipeline=\"stats\",source=\"lobby\"}");
                assertThat(get(server, "/api/sources", server.port()).body()).contains("\"lobby\"").doesNotContain(folder.toString());

                assertThat(delete(server, "/sources/lobby", null).statusCode()).isEqualTo(401);
                assertThat(delete(server, "/sources/lobby", TOKEN).statusCode()).isEqualTo(204);
                assertThat(watcher.closed().get(10, TimeUnit.SECONDS)).isEqualTo(1001);
            }
            assertThat(get(server, "/sources/lobby").statusCode()).isEqualTo(404);
            assertThat(delete(server, "/sources/lobby", TOKEN).statusCode()).isEqualTo(404);
            assertThat(get(server, "/metrics").body()).doesNotContain("source=\"lobby\"");
            assertThat(server.engine().activeSessions()).as("the source's session slot is given back").isZero();
        }
    }

    @Test
    @DisplayName("a sources file naming an unknown pipeline stops the start with one line naming the source, before any port is bound")
    void unknownPipelineInTheFile(@TempDir Path dir) throws Exception {
        Path sources = Files.writeString(dir.resolve("sources.json"),
                "[{\"id\": \"door\", \"url\": \"rtsp://127.0.0.1:1/x\", \"pipeline_id\": \"peeple\"}]");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> start(dir, null, Map.of("STREAM_SOURCES", sources.toString())))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("STREAM_SOURCES").hasMessageContaining("source 'door': unknown pipeline 'peeple'");
    }

    static StreamingServer start(Path dir, Mosquitto broker, Map<String, String> env) throws IOException {
        Map<String, String> all = new HashMap<>(env);
        all.put("STREAM_PIPELINES", Files.writeString(dir.resolve("pipelines.json"), pipelines(broker)).toString());
        return TestServers.start(all);
    }

    static List<JsonNode> subscribe(Mosquitto broker, String topic) throws Exception {
        List<JsonNode> received = new CopyOnWriteArrayList<>();
        MqttClient subscriber = new MqttClient(broker.url(), "sources-test-" + System.nanoTime(), new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        subscriber.connect(options);
        subscriber.subscribe(topic, 1, (t, message) -> received.add(JSON.readTree(message.getPayload())));
        return received;
    }

    static JsonNode status(StreamingServer server, String id) throws Exception {
        return JSON.readTree(get(server, "/sources/" + id).body());
    }

    static HttpResponse<String> get(StreamingServer server, String path) throws Exception {
        return get(server, path, server.managementPort());
    }

    private static HttpResponse<String> get(StreamingServer server, String path, int port) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> post(StreamingServer server, String path, String body, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.managementUri() + path))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> delete(StreamingServer server, String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.managementUri() + path))
                .timeout(Duration.ofSeconds(10)).DELETE();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
