package io.streaminfer.tyrus;

import io.streaminfer.protocol.StreamAnswer;

import io.streaminfer.core.InferenceResult;
import io.streaminfer.core.PipelineRegistry;
import io.streaminfer.core.StreamConfig;
import io.streaminfer.core.StreamEngine;
import io.streaminfer.tck.SampleFrames;
import io.streaminfer.tck.Timeouts;
import jakarta.websocket.CloseReason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The Tyrus bootstrap and the Tyrus client over real sockets, with a header-only test pipeline. */
class TyrusStreamingServerIntegrationTest {

    private static final int LIMIT = 5 * 1024 * 1024;

    private final CountDownLatch releaseGate = new CountDownLatch(1);
    private final CountDownLatch gateEntered = new CountDownLatch(1);
    private TyrusStreamingServer server;
    private StreamClient client;

    @BeforeEach
    void start() {
        PipelineRegistry registry = PipelineRegistry.of(Map.of(
                "size", () -> frame -> InferenceResult.builder()
                        .put("width", frame.info().width()).put("height", frame.info().height()).build(),
                "gate", () -> frame -> {
                    gateEntered.countDown();
                    releaseGate.await(Timeouts.ANSWER.toMillis(), TimeUnit.MILLISECONDS);
                    return InferenceResult.empty();
                }));
        StreamEngine engine = StreamEngine.builder(registry)
                .config(StreamConfig.builder().maxFrameBytes(LIMIT).build())
                .workers(2)
                .build();
        server = TyrusStreamingServer.builder(engine).host("127.0.0.1").port(0).start();
        client = StreamClient.create(URI.create("ws://127.0.0.1:" + server.port()));
    }

    @AfterEach
    void stop() {
        releaseGate.countDown();
        client.close();
        server.stop(Duration.ofSeconds(5));
    }

    @Test
    @DisplayName("the server binds an ephemeral port on the asked address and answers a frame")
    void answersOnAnEphemeralPort() throws Exception {
        assertThat(server.port()).isPositive();
        try (StreamClient.Stream stream = client.open("size")) {
            stream.send(SampleFrames.qrScene());

            StreamAnswer answer = stream.next(Timeouts.ANSWER);

            assertThat(answer.kind()).isEqualTo(StreamAnswer.Kind.RESULT);
            assertThat(answer.frameIndex()).isEqualTo(1);
            assertThat(answer.json().at("/result/width").asInt()).isEqualTo(640);
        }
    }

    @Test
    @DisplayName("a 6 MB frame against a 5 MiB limit is answered with frame_too_large and close 1009")
    void sixMegabyteFrame() throws Exception {
        try (StreamClient.Stream stream = client.open("size")) {
            stream.trySend(SampleFrames.paddedTo(SampleFrames.coffee(), 6_000_000));

            StreamAnswer answer = stream.next(Timeouts.ANSWER);

            assertThat(answer.error()).isEqualTo("frame_too_large");
            assertThat(answer.json().get("detail").asText()).contains("6000000", String.valueOf(LIMIT));
            assertThat(stream.awaitClose(Timeouts.CLOSE).getCloseCode()).isEqualTo(CloseReason.CloseCodes.TOO_BIG);
        }
    }

    @Test
    @DisplayName("a 64 MB frame is refused from its header with frame_too_large and 1009; others are still served")
    void sixtyFourMegabyteFrame() throws Exception {
        try (StreamClient.Stream stream = client.open("size")) {
            stream.trySend(new byte[64 * 1024 * 1024]);

            StreamAnswer answer = stream.next(Timeouts.ANSWER);
            assertThat(answer.error()).isEqualTo("frame_too_large");
            assertThat(answer.frameIndex()).isEqualTo(1);
            assertThat(stream.awaitClose(Timeouts.CLOSE).getCloseCode()).isEqualTo(CloseReason.CloseCodes.TOO_BIG);
        }
        assertOtherClientsStillServed();
    }

    @Test
    @DisplayName("a message sent in fragments beyond the limit is refused with frame_too_large and 1009")
    void fragmentedHugeMessage() throws Exception {
        try (StreamClient.Stream stream = client.open("size")) {
            byte[] chunk = new byte[1024 * 1024];
            chunk[0] = (byte) 0xFF;
            try {
                for (int i = 0; i < 64 && stream.isOpen(); i++) {
                    stream.sendPart(ByteBuffer.wrap(chunk), false);
                }
            } catch (IOException e) {
                // the server closed the connection while we were still sending: expected
                assertThat(stream.isOpen()).isFalse();
            }

            assertThat(stream.next(Timeouts.ANSWER).error()).isEqualTo("frame_too_large");
            assertThat(stream.awaitClose(Timeouts.CLOSE).getCloseCode()).isEqualTo(CloseReason.CloseCodes.TOO_BIG);
        }
        assertOtherClientsStillServed();
    }

    @Test
    @DisplayName("stopping the server answers the frame in the pipeline, then closes live sessions with 1001")
    void stopClosesSessionsWithGoingAway() throws Exception {
        StreamClient.Stream stream = client.open("gate");
        stream.send(SampleFrames.coffee());
        assertThat(gateEntered.await(Timeouts.ANSWER.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

        Thread release = new Thread(releaseGate::countDown);
        release.start();
        boolean graceful = server.stop(Duration.ofSeconds(10));
        release.join();

        assertThat(graceful).isTrue();
        assertThat(stream.next(Timeouts.ANSWER).kind()).isEqualTo(StreamAnswer.Kind.RESULT);
        assertThat(stream.awaitClose(Timeouts.CLOSE).getCloseCode()).isEqualTo(CloseReason.CloseCodes.GOING_AWAY);
    }

    private void assertOtherClientsStillServed() throws Exception {
        try (StreamClient.Stream other = client.open("size")) {
            other.send(SampleFrames.coffee());
            assertThat(other.next(Timeouts.ANSWER).kind()).isEqualTo(StreamAnswer.Kind.RESULT);
        }
    }
}
