package io.streaminfer.app;

import io.streaminfer.tck.RawWebSocket;
import io.streaminfer.tck.SampleFrames;
import io.streaminfer.tck.Timeouts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;


import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The opening handshake on every runtime: malformed ones are refused with 400 (426 for a
 * WebSocket version other than 13), and so are ones whose headers could be read two ways, before
 * any token check, a frame sent in the same write as the upgrade request is
 * answered, and a draining server answers new handshakes with 503 and Retry-After.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(ServerSettings.Transport.class)
class HandshakeIntegrationTest {

    private static final String PATH = "/ws/video/stream?pipeline_id=noop";

    @Parameter
    ServerSettings.Transport runtime;

    private TransportServers server;

    @BeforeEach
    void start() throws Exception {
        server = TransportServers.start(runtime, 256 * 1024);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "no Sec-WebSocket-Key                  | GET | HTTP/1.1 | -                        | 13      | 400",
            "a key that is not base64              | GET | HTTP/1.1 | not*base64!              | 13      | 400",
            "a key of 8 bytes, not 16              | GET | HTTP/1.1 | AAAAAAAAAAA=             | 13      | 400",
            "HTTP/1.0                              | GET | HTTP/1.0 | dGhlIHNhbXBsZSBub25jZQ== | 13      | 400",
            "a POST                                | POST| HTTP/1.1 | dGhlIHNhbXBsZSBub25jZQ== | 13      | 400",
            "a garbage version                     | GET | HTTP/1.1 | dGhlIHNhbXBsZSBub25jZQ== | garbage | 426",
            "version 8                             | GET | HTTP/1.1 | dGhlIHNhbXBsZSBub25jZQ== | 8       | 426"})
    @DisplayName("a malformed handshake is refused with 400, a wrong version with 426 and Sec-WebSocket-Version: 13")
    void malformedHandshakeIsRefused(String what, String method, String version, String key, String wsVersion,
                                     int expected) throws Exception {
        String request = method.trim() + " " + PATH + " " + version.trim() + "\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\n" + ("-".equals(key.trim()) ? "" : "Sec-WebSocket-Key: " + key.trim() + "\r\n")
                + "Sec-WebSocket-Version: " + wsVersion.trim() + "\r\n" + ("POST".equals(method.trim()) ? "Content-Length: 0\r\n" : "")
                + "\r\n";
        try (RawWebSocket client = RawWebSocket.connect(server.port())) {
            client.write(request.getBytes(StandardCharsets.US_ASCII));

            RawWebSocket.Response response = client.readResponseHead();

            assertThat(response.status()).as("%s: %s", what, response.head()).isEqualTo(expected);
            if (expected == 426) {
                assertThat(response.headers()).containsEntry("sec-websocket-version", "13");
            }
        }
        assertThat(server.engine.activeSessions()).isZero();
    }

    // Handshakes whose headers could be read two ways (a header sent twice, an Upgrade naming two
    // protocols), with and without a token, are the protocol kit's (HandshakeCases), run on every runtime
    // and every example host by their *ProtocolCompatibilityIntegrationTest.

    @Test
    @DisplayName("a frame in the same TCP write as the upgrade request is answered as frame 1")
    void frameInTheUpgradeWrite() throws Exception {
        try (RawWebSocket client = RawWebSocket.connect(server.port())) {
            byte[] upgrade = client.upgradeRequest(PATH).getBytes(StandardCharsets.US_ASCII);
            byte[] frame = RawWebSocket.masked(0x80 | RawWebSocket.BINARY, SampleFrames.coffee());

            client.write(upgrade, frame);

            assertThat(client.readResponseHead().status()).isEqualTo(101);
            assertThat(client.readFrame().text()).startsWith("{\"frame_index\":1,\"result\"");
            client.write(frame);
            assertThat(client.readFrame().text()).startsWith("{\"frame_index\":2,\"result\"");
        }
    }

    @Test
    @DisplayName("while the server drains, a handshake gets 503 with Retry-After, so a proxy can go elsewhere")
    void drainingServerAnswers503() throws Exception {
        int port = server.port(); // a stopping Tyrus server reports -1
        try (RawWebSocket busy = RawWebSocket.connect(port)) {
            busy.write(busy.upgradeRequest("/ws/video/stream?pipeline_id=gate").getBytes(StandardCharsets.US_ASCII));
            assertThat(busy.readResponseHead().status()).isEqualTo(101);
            busy.write(RawWebSocket.masked(0x80 | RawWebSocket.BINARY, SampleFrames.coffee()));
            server.awaitGateEntered();
            CompletableFuture<Boolean> stopping = CompletableFuture.supplyAsync(() -> server.stop(Timeouts.ANSWER));
            await().atMost(Timeouts.ANSWER).until(server.engine::isDraining);

            RawWebSocket.Response response;
            try (RawWebSocket late = RawWebSocket.connect(port)) {
                late.write(late.upgradeRequest(PATH).getBytes(StandardCharsets.US_ASCII));
                response = late.readResponseHead();
            } finally {
                server.openGate();
            }

            assertThat(response.status()).as(response.head()).isEqualTo(503);
            assertThat(response.headers()).containsKey("retry-after");
            assertThat(stopping.get(Timeouts.ANSWER.toMillis() * 2, java.util.concurrent.TimeUnit.MILLISECONDS)).isTrue();
        }
    }
}
