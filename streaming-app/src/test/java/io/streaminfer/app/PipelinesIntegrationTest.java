package io.streaminfer.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.streaminfer.tck.SampleFrames;
import io.streaminfer.tck.Timeouts;
import io.streaminfer.protocol.StreamAnswer;
import io.streaminfer.tyrus.StreamClient;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Pipelines over a real socket: the built-in chain, and a user's own pipelines file. */
class PipelinesIntegrationTest {

    private static final System.Logger LOG = System.getLogger(PipelinesIntegrationTest.class.getName());

    @Test
    @DisplayName("qr_motion returns merged detections and per-step timings")
    void chainedPipelineOverASocket() throws Exception {
        try (StreamingServer server = TestServers.start();
             StreamClient client = StreamClient.create(URI.create("ws://127.0.0.1:" + server.port()));
             StreamClient.Stream stream = client.open("qr_motion")) {
            stream.send(SampleFrames.qrScene());
            JsonNode first = stream.next(Timeouts.ANSWER).json().get("result");
            stream.send(withBlockAt(SampleFrames.qrScene(), 60, 300));
            JsonNode second = stream.next(Timeouts.ANSWER).json().get("result");

            assertThat(first.get("motion").get("regions").asInt()).isZero(); // the first frame sets the background
            assertThat(second.get("width").asInt()).isEqualTo(640);
            List<String> labels = new ArrayList<>();
            second.get("detections").forEach(d -> labels.add(d.get("label").asText()));
            assertThat(labels).contains("motion", "qr");
            assertThat(labels.indexOf("qr")).isGreaterThan(labels.lastIndexOf("motion")); // step order
            assertThat(second.get("qr").get("count").asInt()).isEqualTo(1);
            assertThat(second.get("motion").get("motion_ratio").asDouble()).isPositive();
            JsonNode timings = second.get("timings_ms");
            assertThat(timings.get("motion").asDouble()).isNotNegative();
            assertThat(timings.get("qr").asDouble()).isPositive();
            assertThat(timings.get("decode").asDouble()).isPositive();
        }
    }

    @Test
    @DisplayName("faces_ocr over a real socket on the astronaut frame: the face, with ocr's result merged in")
    void facesAndOcrOverASocket() throws Exception {
        try (StreamingServer server = TestServers.start();
             StreamClient client = StreamClient.create(URI.create("ws://127.0.0.1:" + server.port()))) {
            org.junit.jupiter.api.Assumptions.assumeTrue(server.unavailablePipelines().isEmpty(),
                    () -> "inference engines missing here: " + server.unavailablePipelines());
            StreamClient.Stream stream = client.open("faces_ocr");
            stream.send(SampleFrames.astronaut());
            JsonNode result = stream.next(Timeouts.ANSWER).json().get("result");

            List<String> labels = new ArrayList<>();
            result.get("detections").forEach(d -> labels.add(d.get("label").asText()));
            assertThat(labels).contains("face");
            JsonNode face = result.get("detections").get(labels.indexOf("face"));
            assertThat(face.get("x").asInt()).isBetween(150, 210);
            assertThat(face.get("y").asInt()).isBetween(40, 100);
            assertThat(result.get("faces").get("count").asInt()).isEqualTo(1);
            assertThat(result.has("ocr")).isTrue();
            assertThat(result.get("timings_ms").has("faces")).isTrue();
            assertThat(result.get("timings_ms").has("ocr")).isTrue();
        }
    }

    @Test
    @DisplayName("a pipeline whose model file is missing: the server starts, lists it as unavailable, refuses it with the reason")
    void unavailablePipeline(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pipelines.json");
        Files.writeString(file, """
                {"cars": {"steps": [{"step": "onnx", "model": "/models/missing.onnx"}]},
                 "codes": {"steps": [{"step": "qr"}]}}
                """);
        try (StreamingServer server = TestServers.start(Map.of("STREAM_PIPELINES", file.toString()));
             StreamClient client = StreamClient.create(URI.create("ws://127.0.0.1:" + server.port()))) {
            assertThat(server.unavailablePipelines()).containsOnlyKeys("cars");
            assertThat(server.unavailablePipelines().get("cars")).as("operators see the path").contains("/models/missing.onnx");

            StreamClient.Stream refused = client.open("cars");
            StreamAnswer answer = refused.next(Timeouts.ANSWER);

            assertThat(answer.error()).isEqualTo("invalid_pipeline");
            assertThat(answer.json().get("detail").asText())
                    .isEqualTo("pipeline 'cars' is unavailable on this server: step 'onnx': model file not found: (a file on the server)");
            assertThat(refused.awaitClose(Timeouts.CLOSE).getCloseCode().getCode()).isEqualTo(1008);
        }
    }

    @Test
    @DisplayName("a slow OCR pipeline fed at 30 fps answers every frame once, drops instead of queueing, results in frame order,"
            + " the last frame gets its result")
    void ocrUnderLoad() throws Exception {
        try (StreamingServer server = TestServers.start(Map.of("STREAM_WORKERS", "1"));
             StreamClient client = StreamClient.create(URI.create("ws://127.0.0.1:" + server.port()))) {
            org.junit.jupiter.api.Assumptions.assumeTrue(!server.unavailablePipelines().containsKey("ocr"),
                    () -> "ocr cannot run here: " + server.unavailablePipelines().get("ocr"));
            int frames = 90;
            java.util.concurrent.ConcurrentHashMap<Long, Long> sent = new java.util.concurrent.ConcurrentHashMap<>();
            List<Double> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Double> pipelineMillis = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Long> resultOrder = java.util.Collections.synchronizedList(new ArrayList<>());
            java.util.Set<Long> answeredFrames = java.util.concurrent.ConcurrentHashMap.newKeySet();
            java.util.concurrent.atomic.AtomicInteger answeredTwice = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicInteger dropped = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.CountDownLatch answered = new java.util.concurrent.CountDownLatch(frames);
            StreamClient.Stream stream = client.open("ocr", answer -> {
                if (answer.kind() == StreamAnswer.Kind.RESULT) {
                    resultOrder.add(answer.frameIndex());
                    latencies.add((System.nanoTime() - sent.get(answer.frameIndex())) / 1e6);
                    pipelineMillis.add(answer.json().at("/result/timings_ms/ocr").asDouble()
                            + answer.json().at("/result/timings_ms/decode").asDouble());
                } else if (answer.kind() == StreamAnswer.Kind.DROPPED) {
                    dropped.incrementAndGet();
                }
                if (answer.answersFrame()) {
                    if (!answeredFrames.add(answer.frameIndex())) {
                        answeredTwice.incrementAndGet();
                    }
                    answered.countDown();
                }
            });
            byte[] page = SampleFrames.page();
            for (long i = 1; i <= frames; i++) {
                long due = System.nanoTime() + 33_333_333L;
                sent.put(i, System.nanoTime());
                stream.send(page);
                java.util.concurrent.locks.LockSupport.parkNanos(Math.max(0, due - System.nanoTime())); // the camera's pace
            }
            assertThat(answered.await(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

            assertThat(answeredTwice).as("frames answered twice").hasValue(0);
            assertThat(answeredFrames).as("every frame answered").hasSize(frames);
            assertThat(dropped.get()).as("frames dropped instead of queued").isPositive();
            assertThat(resultOrder).as("results in frame order").isSorted().doesNotHaveDuplicates();
            // the newest frame wins: nothing newer replaces the last frame, so it is processed, not left behind
            assertThat(resultOrder).as("the last frame gets a result").endsWith((long) frames);

            List<Double> sorted = new ArrayList<>(latencies);
            sorted.sort(Double::compare);
            List<Double> runs = new ArrayList<>(pipelineMillis);
            runs.sort(Double::compare);
            LOG.log(System.Logger.Level.INFO, String.format(java.util.Locale.ROOT,
                    "ocr at 30 fps: frames=%d results=%d dropped=%d median_latency_ms=%.1f median_run_ms=%.1f",
                    frames, sorted.size(), dropped.get(), sorted.get(sorted.size() / 2), runs.get(runs.size() / 2)));
        }
    }

    /** The frame with a checkered 80x80 block drawn at (x, y), re-encoded. */
    private static byte[] withBlockAt(byte[] jpeg, int x, int y) throws java.io.IOException {
        java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(jpeg));
        java.awt.Graphics2D g = image.createGraphics();
        for (int i = 0; i < 8; i++) {
            for (int j = 0; j < 8; j++) {
                g.setColor((i + j) % 2 == 0 ? java.awt.Color.BLACK : java.awt.Color.WHITE);
                g.fillRect(x + i * 10, y + j * 10, 10, 10);
            }
        }
        g.dispose();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(image, "jpg", out);
        return out.toByteArray();
    }

    @Test
    @DisplayName("a user's pipelines file: its pipelines are served and listed")
    void ownPipelinesFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pipelines.json");
        Files.writeString(file, "{\"door_camera\": {\"steps\": [{\"step\": \"image_stats\"}, {\"step\": \"qr\", \"formats\": [\"qr_code\"]}]}}");
        try (StreamingServer server = TestServers.start(Map.of("STREAM_PIPELINES", file.toString()));
             StreamClient client = StreamClient.create(URI.create("ws://127.0.0.1:" + server.port()))) {
            assertThat(server.pipelineIds()).containsExactly("door_camera");
            StreamClient.Stream stream = client.open("door_camera");
            stream.send(SampleFrames.qrScene());
            StreamAnswer answer = stream.next(Timeouts.ANSWER);

            assertThat(answer.json().at("/result/detections/0/text").asText()).isEqualTo("https://example.org/streaming/camera-7");
            assertThat(answer.json().at("/result/image_stats/mean_luma").asDouble()).isPositive();

            StreamClient.Stream unknown = client.open("qr");
            assertThat(unknown.next(Timeouts.ANSWER).json().get("detail").asText()).contains("known pipelines: door_camera");
        }
    }

    @Test
    @DisplayName("a mistake in the pipelines file stops startup naming the variable, pipeline, step and key")
    void badPipelinesFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pipelines.json");
        Files.writeString(file, "{\"door\": {\"steps\": [{\"step\": \"motion\", \"treshold\": 10}]}}");

        assertThatThrownBy(() -> TestServers.start(Map.of("STREAM_PIPELINES", file.toString())))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("STREAM_PIPELINES: pipelines file " + file)
                .hasMessageContaining("pipeline 'door', step 1 'motion': unknown parameter 'treshold'");
    }
}
