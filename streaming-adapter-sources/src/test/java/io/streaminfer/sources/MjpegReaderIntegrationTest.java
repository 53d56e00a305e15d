package io.streaminfer.sources;

import com.sun.net.httpserver.HttpServer;
import io.streaminfer.tck.SampleFrames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The MJPEG reader against a real HTTP server on 127.0.0.1 that sends what a camera should not. */
class MjpegReaderIntegrationTest {

    /** How much header text the hostile camera sends before it gives up and sends a picture after all. */
    private static final long ENDLESS = 64L << 20;

    private HttpServer camera;
    private final AtomicLong headerBytesSent = new AtomicLong();

    @BeforeEach
    void start() throws IOException {
        camera = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        camera.setExecutor(Executors.newCachedThreadPool());
        byte[] jpeg = SampleFrames.coffee();
        camera.createContext("/endless.mjpg", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "multipart/x-mixed-replace; boundary=frame");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write("--frame\r\nContent-Type: image/jpeg\r\n".getBytes(StandardCharsets.US_ASCII));
                byte[] line = ("X-Padding: " + "a".repeat(1000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                while (headerBytesSent.get() < ENDLESS) { // endless to a reader that keeps reading
                    body.write(line);
                    headerBytesSent.addAndGet(line.length);
                }
                body.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                body.write(jpeg);
            } catch (IOException e) {
                // the reader hung up: what a bounded reader does
            }
        });
        camera.createContext("/chatty.mjpg", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "multipart/x-mixed-replace; boundary=frame");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream body = exchange.getResponseBody()) {
                for (int i = 0; i < 3; i++) { // a few KiB of headers per part: unusual, still a camera
                    body.write(("--frame\r\nContent-Type: image/jpeg\r\nX-Note: " + "n".repeat(6000) + "\r\nContent-Length: "
                            + jpeg.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    body.write(jpeg);
                    body.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
            } catch (IOException e) {
                // the reader hung up
            }
        });
        camera.start();
    }

    @AfterEach
    void stop() {
        camera.stop(0);
    }

    private MjpegReader open(String path) throws IOException {
        return MjpegReader.open(SourceDefinition.of("cam", "http://127.0.0.1:" + camera.getAddress().getPort() + path,
                "motion", 10), 5 << 20);
    }

    @Test
    @DisplayName("a camera that sends endless part headers fails the connection with \"part headers too long\" after 8 KiB, not after a frame")
    void endlessPartHeaders() throws IOException {
        try (MjpegReader reader = open("/endless.mjpg")) {
            assertThatThrownBy(reader::next).isInstanceOf(IOException.class).hasMessageStartingWith("part headers too long");
        }
        assertThat(headerBytesSent.get()).as("the reader stopped long before the camera ran out of headers").isLessThan(ENDLESS);
    }

    @Test
    @DisplayName("a few KiB of part headers still pass")
    void longishHeadersPass() throws IOException {
        try (MjpegReader reader = open("/chatty.mjpg")) {
            assertThat(reader.next()).isEqualTo(SampleFrames.coffee());
            assertThat(reader.next()).isEqualTo(SampleFrames.coffee());
        }
    }
}
