package io.streaminfer.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.streaminfer.app.StreamingServer;
import io.streaminfer.app.TestServers;
import io.streaminfer.tck.SampleFrames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code stream} sends a folder, an MJPEG file and an MJPEG-over-HTTP camera to the real server and prints its answers. */
class StreamCommandIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> NAMES = List.of("astronaut.jpg", "qr_scene.jpg", "coffee.jpg");
    private static final List<byte[]> FRAMES = NAMES.stream().map(SampleFrames::load).toList();
    private static StreamingServer server;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        server = TestServers.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static List<JsonNode> stream(String source, String... options) throws IOException {
        List<String> args = new ArrayList<>(List.of("stream", "--url", server.streamUri().toString(), "-p", "image_stats",
                "--fps", "50"));
        args.addAll(List.of(options));
        args.add(source);
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertThat(run.status()).as(run.err()).isZero();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : run.out().split("\\R")) {
            lines.add(JSON.readTree(line));
        }
        return lines;
    }

    /**
     * Every frame was answered once; results carry the width of the very frame sent with that
     * index (so frames went out whole and in order). A frame may be dropped if the next one
     * came while it waited: that is the server's backpressure, not a loss.
     */
    private static void assertAnswersFor(List<JsonNode> lines, List<byte[]> frames) {
        assertThat(lines).hasSize(frames.size());
        assertThat(lines).extracting(line -> line.get("frame_index").asInt())
                .containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.rangeClosed(1, frames.size()).boxed().toList());
        long results = 0;
        for (JsonNode line : lines) {
            if (line.has("result")) {
                String name = NAMES.get(line.get("frame_index").asInt() - 1);
                assertThat(line.at("/result/width").asInt()).as(name).isEqualTo(SampleFrames.realJpegSizes().get(name)[0]);
                results++;
            } else {
                assertThat(line.get("dropped").asBoolean()).as(line.toString()).isTrue();
            }
        }
        assertThat(results).as("the last frame is never dropped").isPositive();
    }

    private static byte[] mjpeg(List<byte[]> frames, String between) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] frame : frames) {
            out.writeBytes(between.getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(frame);
        }
        return out.toByteArray();
    }

    @Test
    @DisplayName("a folder of JPEGs, in name order")
    void folder() throws Exception {
        for (int i = 0; i < FRAMES.size(); i++) {
            Files.write(dir.resolve("frame-" + i + ".jpg"), FRAMES.get(i));
        }
        Files.writeString(dir.resolve("notes.txt"), "not a frame");

        assertAnswersFor(stream(dir.toString()), FRAMES);
    }

    @Test
    @DisplayName("an MJPEG file (JPEGs back to back), and --max-frames stops early")
    void mjpegFile() throws Exception {
        Path file = dir.resolve("clip.mjpeg");
        Files.write(file, mjpeg(FRAMES, ""));

        assertAnswersFor(stream(file.toString()), FRAMES);
        assertAnswersFor(stream(file.toString(), "--max-frames", "2"), FRAMES.subList(0, 2));
    }

    @Test
    @DisplayName("an MJPEG-over-HTTP camera (multipart/x-mixed-replace) served on loopback")
    void httpCamera() throws Exception {
        HttpServer camera = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        camera.createContext("/video.mjpg", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "multipart/x-mixed-replace; boundary=frame");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (byte[] frame : FRAMES) {
                    out.write(("--frame\r\nContent-Type: image/jpeg\r\nContent-Length: " + frame.length + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.write(frame);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
                out.write("--frame--\r\n".getBytes(StandardCharsets.US_ASCII));
            }
        });
        camera.createContext("/snapshot.html", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/html");
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        camera.start();
        try {
            String base = "http://127.0.0.1:" + camera.getAddress().getPort();
            assertAnswersFor(stream(base + "/video.mjpg"), FRAMES);

            CliRun notACamera = CliRun.of("stream", "--url", server.streamUri().toString(), "-p", "noop", base + "/snapshot.html");
            assertThat(notACamera.status()).isEqualTo(1);
            assertThat(notACamera.err()).contains("is not an MJPEG stream: expected Content-Type multipart/x-mixed-replace");
        } finally {
            camera.stop(0);
        }
    }

    @Test
    @DisplayName("an MJPEG file cut inside a frame: the whole frames are sent, then a clear error")
    void truncatedMjpeg() throws Exception {
        byte[] whole = mjpeg(FRAMES, "");
        Path file = dir.resolve("cut.mjpeg");
        Files.write(file, java.util.Arrays.copyOf(whole, whole.length - 100));

        CliRun run = CliRun.of("stream", "--url", server.streamUri().toString(), "-p", "noop", file.toString());

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).contains("the stream ended inside a JPEG image");
    }
}
