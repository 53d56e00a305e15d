package io.streaminfer.app;

import io.streaminfer.tck.RawWebSocket;
import io.streaminfer.tck.SampleFrames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One frame limit, from the engine's config, on both runtimes: a frame of exactly the limit is
 * answered, also back to back; a larger one is refused through the engine (frame_too_large,
 * close 1009, counted in the metrics), which answers the frames it holds first.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(ServerSettings.Transport.class)
class FrameLimitIntegrationTest {

    private static final System.Logger LOG = System.getLogger(FrameLimitIntegrationTest.class.getName());
    private static final int LIMIT = 256 * 1024;
    private static final String FRAME_TOO_LARGE = "stream_errors_total{code=\"frame_too_large\"}";

    @Parameter
    ServerSettings.Transport runtime;

    private TransportServers server;

    @BeforeEach
    void start() throws Exception {
        server = TransportServers.start(runtime, LIMIT);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    @DisplayName("frames of exactly the limit, five back to back in one write, are all answered")
    void framesOfExactlyTheLimitBackToBack() throws Exception {
        byte[] frame = RawWebSocket.masked(0x80 | RawWebSocket.BINARY, SampleFrames.paddedTo(SampleFrames.coffee(), LIMIT));
        try (RawWebSocket client = RawWebSocket.connect(server.port()).upgrade()) {
            client.write(frame, frame, frame, frame, frame);

            List<String> answers = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                RawWebSocket.Frame answer = client.readFrame();
                assertThat(answer.opcode()).as("answer %d: %s", i + 1, answer).isEqualTo(RawWebSocket.TEXT);
                answers.add(answer.text());
            }

            for (int index = 1; index <= 5; index++) {
                String expected = "\"frame_index\":" + index + ",";
                assertThat(answers).as("frame %d answered", index).anySatisfy(a -> assertThat(a).contains(expected));
            }
            assertThat(server.metric(FRAME_TOO_LARGE)).isZero();
        }
    }

    @Test
    @DisplayName("a 64 MB frame is refused through the engine: waiting and in-flight frames answered, then"
            + " frame_too_large, then 1009, nothing after; the error counter moves")
    void oversizedFrameGoesThroughTheEngine() throws Exception {
        try (RawWebSocket client = RawWebSocket.connect(server.port())) {
            client.write(client.upgradeRequest("/ws/video/stream?pipeline_id=gate").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertThat(client.readResponseHead().status()).isEqualTo(101);
            byte[] frame = RawWebSocket.masked(0x80 | RawWebSocket.BINARY, SampleFrames.coffee());
            client.write(frame);
            server.awaitGateEntered(); // frame 1 is in the pipeline
            client.write(frame); // frame 2 waits

            long huge = 64L * 1024 * 1024;
            CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                try {
                    client.write(RawWebSocket.maskedHeader(0x80 | RawWebSocket.BINARY, huge));
                    byte[] chunk = new byte[1024 * 1024];
                    for (long sent = 0; sent < huge; sent += chunk.length) {
                        client.write(chunk);
                    }
                } catch (IOException e) {
                    // the server may hang up before the 64 MB are through; the answers are what count
                }
            });

            List<RawWebSocket.Frame> frames = new ArrayList<>();
            RawWebSocket.Frame next = client.readFrame();
            while (!next.text().contains("frame_too_large")) {
                frames.add(next);
                next = client.readFrame();
            }
            frames.add(next);
            server.openGate(); // the frame in the pipeline finishes only now, after the refusal
            next = client.readFrame();
            while (next.opcode() != RawWebSocket.CLOSE) {
                frames.add(next);
                next = client.readFrame();
            }
            RawWebSocket.Frame close = next;
            sending.join();
            List<RawWebSocket.Frame> afterClose = client.finishClose();

            List<String> texts = frames.stream().map(RawWebSocket.Frame::text).toList();
            assertThat(texts).hasSize(3);
            assertThat(texts).anySatisfy(t -> assertThat(t).isEqualTo("{\"frame_index\":2,\"dropped\":true}"));
            assertThat(texts).anySatisfy(t -> assertThat(t).startsWith("{\"frame_index\":1,\"result\""));
            assertThat(texts).anySatisfy(t -> assertThat(t).contains("\"error\":\"frame_too_large\"", "\"frame_index\":3"));
            assertThat(close.closeCode()).isEqualTo(1009);
            ProtocolViolationIntegrationTest.assertNoContainerText(close.closeReason());
            assertThat(afterClose).as("frames after the close frame").isEmpty();
            assertThat(server.metric(FRAME_TOO_LARGE)).isEqualTo(1);
        }
    }

    @Test
    @DisplayName("after a frame far over the limit the server still reads: the rest of the frame is discarded, our close"
            + " frame is read and the connection ends in an orderly way, not with a reset that loses the answers")
    void closeHandshakeCompletesAfterARefusedFrame() throws Exception {
        byte[] frame = RawWebSocket.masked(0x80 | RawWebSocket.BINARY, SampleFrames.paddedTo(SampleFrames.coffee(), 16 * LIMIT));
        try (RawWebSocket client = RawWebSocket.connect(server.port()).upgrade()) {
            client.write(frame);
            RawWebSocket.Frame error = client.readFrame();
            RawWebSocket.Frame close = client.readFrame();
            assertThat(error.text()).contains("\"error\":\"frame_too_large\"");
            assertThat(close.closeCode()).isEqualTo(1009);
            long started = System.nanoTime();
            String ending = client.finishCloseOrderly();
            LOG.log(System.Logger.Level.INFO, runtime + ": the connection ended (" + ending + ") "
                    + (System.nanoTime() - started) / 1_000_000 + " ms after our close frame");
            assertThat(ending).as("how the server ended the connection once it had our close frame").isEqualTo("end of stream");
        }
    }

    @Test
    @DisplayName("a frame just over the limit is refused with frame_too_large and 1009, and counted")
    void justOverTheLimit() throws Exception {
        byte[] frame = RawWebSocket.masked(0x80 | RawWebSocket.BINARY, SampleFrames.paddedTo(SampleFrames.coffee(), LIMIT + 4));
        try (RawWebSocket client = RawWebSocket.connect(server.port()).upgrade()) {
            client.write(frame);

            List<RawWebSocket.Frame> frames = client.readUntilClosed();

            assertThat(frames).hasSize(2);
            assertThat(frames.get(0).text()).contains("\"error\":\"frame_too_large\"", "\"frame_index\":1");
            assertThat(frames.get(1).closeCode()).isEqualTo(1009);
            assertThat(server.metric(FRAME_TOO_LARGE)).isEqualTo(1);
        }
    }
}
