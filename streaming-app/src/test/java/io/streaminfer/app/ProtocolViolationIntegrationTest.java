package io.streaminfer.app;

import io.streaminfer.tck.RawWebSocket;
import io.streaminfer.tck.SampleFrames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.Deflater;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * RFC 6455 violations from a raw-socket client close the connection with 1002 on every runtime,
 * nothing the client sends afterwards is handed on, and no data frame follows the close frame.
 * No WebSocket extension is ever negotiated, so a compressed frame is a violation too.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(ServerSettings.Transport.class)
class ProtocolViolationIntegrationTest {

    private static final int LIMIT = 256 * 1024;

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

    static Stream<Arguments> violations() {
        byte[] frame = SampleFrames.coffee();
        return Stream.of(
                Arguments.of("an unmasked client frame", RawWebSocket.unmasked(0x80 | RawWebSocket.BINARY, frame)),
                Arguments.of("RSV1 without a negotiated extension", RawWebSocket.masked(0xC0 | RawWebSocket.BINARY, frame)),
                Arguments.of("RSV3 without a negotiated extension", RawWebSocket.masked(0x90 | RawWebSocket.BINARY, frame)),
                Arguments.of("the unknown data opcode 3", RawWebSocket.masked(0x83, frame)),
                Arguments.of("the unknown control opcode 0xB", RawWebSocket.masked(0x8B, new byte[0])),
                Arguments.of("a continuation without a start", RawWebSocket.masked(0x80, frame)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("violations")
    @DisplayName("a violation closes with 1002; the valid frame after it gets no answer; no data frame after the close")
    void violationClosesWithProtocolError(String what, byte[] violation) throws Exception {
        try (RawWebSocket client = RawWebSocket.connect(server.port()).upgrade()) {
            client.write(RawWebSocket.masked(0x80 | RawWebSocket.BINARY, SampleFrames.coffee()));
            assertThat(client.readFrame().text()).contains("\"frame_index\":1");

            client.write(violation, RawWebSocket.masked(0x80 | RawWebSocket.BINARY, SampleFrames.coffee()));
            List<RawWebSocket.Frame> frames = client.readUntilClosed();

            assertThat(frames).as(what).hasSize(1);
            RawWebSocket.Frame close = frames.get(0);
            assertThat(close.opcode()).isEqualTo(RawWebSocket.CLOSE);
            assertThat(close.closeCode()).as("%s: %s", what, close).isEqualTo(1002);
            assertNoContainerText(close.closeReason());
        }
    }

    @Test
    @DisplayName("a handshake offering permessage-deflate is answered without any extension")
    void noExtensionIsNegotiated() throws Exception {
        try (RawWebSocket client = RawWebSocket.connect(server.port())) {
            client.write(client.upgradeRequest("/ws/video/stream?pipeline_id=noop",
                    "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits, x-webkit-deflate-frame")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            RawWebSocket.Response response = client.readResponseHead();

            assertThat(response.status()).isEqualTo(101);
            assertThat(response.headers()).doesNotContainKey("sec-websocket-extensions");
        }
    }

    @Test
    @DisplayName("a deflate bomb (10 KB inflating to 10 MiB) with RSV1 set is closed with 1002, never inflated")
    void deflateBombIsAProtocolError() throws Exception {
        byte[] bomb = deflate(new byte[10 * 1024 * 1024]);
        assertThat(bomb.length).isLessThan(16 * 1024);
        try (RawWebSocket client = RawWebSocket.connect(server.port())) {
            client.write(client.upgradeRequest("/ws/video/stream?pipeline_id=noop",
                    "Sec-WebSocket-Extensions: permessage-deflate").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertThat(client.readResponseHead().status()).isEqualTo(101);

            client.write(RawWebSocket.masked(0xC0 | RawWebSocket.BINARY, bomb));
            List<RawWebSocket.Frame> frames = client.readUntilClosed();

            assertThat(frames).hasSize(1);
            assertThat(frames.get(0).closeCode()).isEqualTo(1002);
        }
    }

    static void assertNoContainerText(String reason) {
        assertThat(reason.toLowerCase(java.util.Locale.ROOT))
                .doesNotContain("tyrus", "grizzly", "jetty", "buffer overflow", "wrappedframe", "exception");
    }

    /** A raw DEFLATE stream (RFC 7692 payloads carry no zlib header). */
    private static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        deflater.setInput(data);
        deflater.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        while (!deflater.finished()) {
            out.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        return out.toByteArray();
    }
}
