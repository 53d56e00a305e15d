package io.streaminfer.app;

import io.streaminfer.tck.ProtocolClient;
import io.streaminfer.tck.SampleFrames;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A raw-socket client that completes the handshake, sends frames and never reads a byte: the
 * server must close it as a slow consumer instead of buffering its answers, while another
 * session keeps getting its answers. Timings (the bystander's latency) are measured for the log
 * and docs/benchmarks.md, never asserted.
 */
class SlowConsumerIntegrationTest {

    private static final System.Logger LOG = System.getLogger(SlowConsumerIntegrationTest.class.getName());

    @Test
    @DisplayName("a client that never reads is closed with slow_consumer; the bystander keeps getting answers; no heap growth")
    void neverReadingClientIsClosed() throws Exception {
        assertClosedAsSlowConsumer(ServerSettings.Transport.TYRUS, Map.of("STREAM_MAX_PENDING_MESSAGES", "64"), true);
    }

    @Test
    @DisplayName("on Jetty too, a client that never reads is closed with slow_consumer and the bystander is unaffected")
    void neverReadingClientIsClosedOnJetty() throws Exception {
        assertClosedAsSlowConsumer(ServerSettings.Transport.JETTY, Map.of("STREAM_MAX_PENDING_MESSAGES", "64"), true);
    }

    @Test
    @DisplayName("on Netty too, a client that never reads is closed with slow_consumer and the bystander is unaffected")
    void neverReadingClientIsClosedOnNetty() throws Exception {
        assertClosedAsSlowConsumer(ServerSettings.Transport.NETTY, Map.of("STREAM_MAX_PENDING_MESSAGES", "64"), true);
    }

    private void assertClosedAsSlowConsumer(ServerSettings.Transport transport, Map<String, String> settings,
                                            boolean byMessages) throws Exception {
        try (StreamingServer server = TestServers.start(transport, settings);
             ProtocolClient bystander = ProtocolClient.connect(java.net.URI.create(server.streamUri() + "?pipeline_id=noop"))) {
            long heapBefore = SoakRun.usedHeapAfterGc();
            byte[] frame = maskedBinaryFrame(tinyJpeg());
            long started = System.nanoTime();
            long sent = 0;
            double worstBystanderMillis = 0;
            int bystanderResultsDuringFlood = 0;
            boolean cutByServer = false;
            try (Socket socket = new Socket()) {
                socket.setReceiveBufferSize(4096);
                socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
                handshake(socket, server.port());
                OutputStream out = socket.getOutputStream();
                try {
                    while (System.nanoTime() - started < TimeUnit.SECONDS.toNanos(60)) {
                        out.write(frame);
                        sent++;
                        if (sent % 500 == 0) { // thousands of frames go unread before the cut (loopback buffers)
                            worstBystanderMillis = Math.max(worstBystanderMillis, bystanderLatency(bystander));
                            bystanderResultsDuringFlood++;
                        }
                    }
                } catch (IOException e) {
                    cutByServer = true; // the server closed the connection: what we wait for
                }
            }
            long sentFrames = sent;
            long floodMillis = (System.nanoTime() - started) / 1_000_000;
            if (byMessages) {
                await().atMost(java.time.Duration.ofSeconds(30)).until(() -> slowConsumers(server) >= 1);
            }
            worstBystanderMillis = Math.max(worstBystanderMillis, bystanderLatency(bystander)); // and after the cut
            long heapGrowth = SoakRun.usedHeapAfterGc() - heapBefore;
            LOG.log(System.Logger.Level.INFO, "slow consumer closed after {0} frames sent unread in {1} ms; bystander"
                    + " answered {2} times during the flood, worst latency {3} ms; heap growth {4} KB", sentFrames,
                    floodMillis, bystanderResultsDuringFlood, worstBystanderMillis, heapGrowth / 1024);

            // the 60 s the client would go on for bound a failure: the server must cut it first
            assertThat(cutByServer).as("the server cut the client that never reads (%d frames sent)", sentFrames).isTrue();
            assertThat(slowConsumers(server)).isEqualTo(byMessages ? 1 : 0);
            assertThat(bystanderResultsDuringFlood).as("bystander frames answered with results during the flood").isPositive();
            assertThat(heapGrowth).isLessThan(32L * 1024 * 1024);
            await().atMost(java.time.Duration.ofSeconds(10)).until(() -> server.engine().activeSessions() == 1);
        }
    }

    private static double bystanderLatency(ProtocolClient bystander) {
        long start = System.nanoTime();
        bystander.sendBinary(SampleFrames.coffee());
        assertThat(bystander.next().has("result")).isTrue();
        return (System.nanoTime() - start) / 1e6;
    }

    private static double slowConsumers(StreamingServer server) throws Exception {
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.managementUri().resolve("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        PrometheusText text = new PrometheusText(metrics);
        String series = "stream_errors_total{code=\"slow_consumer\"}";
        return text.has(series) ? text.value(series) : 0;
    }

    static void handshake(Socket socket, int port) throws IOException {
        String key = Base64.getEncoder().encodeToString("slow-consumer-key".getBytes(StandardCharsets.UTF_8)).substring(0, 22) + "==";
        String request = "GET /ws/video/stream?pipeline_id=noop HTTP/1.1\r\nHost: 127.0.0.1:" + port
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
                + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        StringBuilder response = new StringBuilder();
        while (!response.toString().endsWith("\r\n\r\n")) { // read the 101 response headers, then never read again
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed during the handshake: " + response);
            }
            response.append((char) b);
        }
        assertThat(response.toString()).startsWith("HTTP/1.1 101");
    }

    /** One client-to-server binary frame (masked with a zero key, so the payload reads as is). */
    static byte[] maskedBinaryFrame(byte[] payload) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x82);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else {
            frame.write(0x80 | 126);
            frame.write(payload.length >> 8);
            frame.write(payload.length & 0xFF);
        }
        frame.writeBytes(new byte[4]);
        frame.writeBytes(payload);
        return frame.toByteArray();
    }

    static byte[] tinyJpeg() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB), "jpg", out);
        return out.toByteArray();
    }
}
