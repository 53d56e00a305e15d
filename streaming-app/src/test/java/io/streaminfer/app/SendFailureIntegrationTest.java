package io.streaminfer.app;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A send that fails is counted as what it is: a raw-socket client streams to {@code noop} without
 * reading until the server's write to it is stuck (its answers pile up in the engine's outbox),
 * then resets the connection. The answer being written when the connection broke is
 * {@code unanswered{reason="send_failed"}}, the ones still queued {@code reason="closed"}, and every
 * frame is accounted for: {@code received = processed + dropped + failed + unanswered}.
 */
class SendFailureIntegrationTest {

    private static final String PIPELINE = "{pipeline=\"noop\"}";

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = ServerSettings.Transport.class, names = {"TYRUS", "JETTY"})
    @DisplayName("the answer being written when the client resets the connection counts as unanswered, send_failed")
    void failedSendIsCounted(ServerSettings.Transport transport) throws Exception {
        // no slow-consumer cut: the answers must stay queued behind the stuck write until the reset
        try (StreamingServer server = TestServers.start(transport, Map.of("STREAM_MAX_PENDING_MESSAGES", "1000000"))) {
            byte[] frame = SlowConsumerIntegrationTest.maskedBinaryFrame(SlowConsumerIntegrationTest.tinyJpeg());
            Socket socket = new Socket();
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
            SlowConsumerIntegrationTest.handshake(socket, server.port());
            OutputStream out = socket.getOutputStream();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos(); // a failure bound, not a target
            while (held(server) < 500) {
                assertThat(System.nanoTime()).as("answers never piled up behind a stuck write").isLessThan(deadline);
                for (int i = 0; i < 500; i++) {
                    out.write(frame);
                }
            }
            socket.setSoLinger(true, 0);
            socket.close(); // RST: the write in progress fails

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                PrometheusText metrics = metrics(server);
                assertThat(value(metrics, "stream_frames_unanswered_total{pipeline=\"noop\",reason=\"send_failed\"}"))
                        .as("the answer in flight when the connection broke").isGreaterThanOrEqualTo(1);
                double unanswered = value(metrics, "stream_frames_unanswered_total{pipeline=\"noop\",reason=\"send_failed\"}")
                        + value(metrics, "stream_frames_unanswered_total{pipeline=\"noop\",reason=\"closed\"}");
                assertThat(value(metrics, "stream_frames_received_total" + PIPELINE))
                        .as("every frame accounted for").isEqualTo(answered(metrics) + unanswered);
            });
            assertThat(server.engine().activeSessions()).isZero();
        }
    }

    /** Frames received whose answer has not been written (queued in the outbox or in flight). */
    private static double held(StreamingServer server) throws Exception {
        PrometheusText metrics = metrics(server);
        return value(metrics, "stream_frames_received_total" + PIPELINE) - answered(metrics);
    }

    private static double answered(PrometheusText metrics) {
        return value(metrics, "stream_frames_processed_total" + PIPELINE) + value(metrics, "stream_frames_dropped_total" + PIPELINE)
                + value(metrics, "stream_frames_failed_total" + PIPELINE);
    }

    private static double value(PrometheusText metrics, String series) {
        return metrics.has(series) ? metrics.value(series) : 0;
    }

    private static PrometheusText metrics(StreamingServer server) throws IOException, InterruptedException {
        return new PrometheusText(HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(server.managementUri().resolve("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }
}
