package io.streaminfer.tck;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kit's handshake cases ({@link StreamingProtocolCompatibilityKit}'s {@code Handshakes}): a
 * handshake whose headers could be read two ways (a header the layers read once sent twice, an
 * {@code Upgrade} naming two protocols) never opens a session, with or without a token, whatever
 * line the host's container would have read. A host that answers handshakes with an HTTP status
 * ({@link HostVariants#unauthorized()} is {@code HTTP_STATUS}) must answer 400 (or 401 where a
 * token is missing) and never 101. A bare Jakarta container cannot: it upgrades before the
 * endpoint sees the headers, so such a host (declared {@code ERROR_AFTER_UPGRADE}) passes with an
 * HTTP 4xx of its container's own or with 101, one error ({@code invalid_message}, or
 * {@code unauthorized} where a token is missing) and the close, and no frame served.
 */
abstract class HandshakeCases {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final StreamingProtocolCompatibilityKit kit;

    HandshakeCases(StreamingProtocolCompatibilityKit kit) {
        this.kit = kit;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "Upgrade twice, h2c first     | Upgrade: h2c            | Upgrade: websocket                          | -",
            "Upgrade twice, h2c last      | Upgrade: websocket      | Upgrade: h2c                                | -",
            "Upgrade naming two protocols | Upgrade: h2c, websocket | -                                           | -",
            "Sec-WebSocket-Key twice      | Upgrade: websocket      | Sec-WebSocket-Key: AQIDBAUGBwgJCgsMDQ4PEA== | -",
            "Sec-WebSocket-Version twice  | Upgrade: websocket      | Sec-WebSocket-Version: 13                   | -",
            "Origin twice                 | Upgrade: websocket      | Origin: http://a.example                    | Origin: http://b.example",
            "Host twice                   | Upgrade: websocket      | Host: 127.0.0.2                             | -",
            "Authorization twice          | Upgrade: websocket      | Authorization: Bearer a                     | Authorization: Bearer b"})
    @DisplayName("a handshake with a header sent twice or an Upgrade naming two protocols is refused as the host declares: HTTP 400, or invalid_message and a close")
    void ambiguousHandshakeIsRefused(String what, String upgrade, String extra, String more) throws IOException {
        assertNeverServed(kit.server(), what, request(kit.server().streamUri(), upgrade, extra, more), Set.of(400),
                Set.of("invalid_message"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "Upgrade twice, h2c first     | Upgrade: h2c            | Upgrade: websocket",
            "Upgrade twice, h2c last      | Upgrade: websocket      | Upgrade: h2c",
            "Upgrade naming two protocols | Upgrade: h2c, websocket | -"})
    @DisplayName("with a token required, no layout of Upgrade headers opens a session without it: HTTP 400 or 401, never 101, or an error and a close")
    void upgradeLayoutsNeverSkipTheToken(String what, String upgrade, String extra) throws IOException {
        ServerUnderTest guarded = kit.server(KitSettings.defaults().withAuthToken(StreamingProtocolCompatibilityKit.TOKEN));
        assertNeverServed(guarded, what, request(guarded.streamUri(), upgrade, extra, "-"), Set.of(400, 401),
                Set.of("invalid_message", "unauthorized"));
    }

    private void assertNeverServed(ServerUnderTest server, String what, String request, Set<Integer> statuses,
                                   Set<String> errors) throws IOException {
        try (RawWebSocket client = RawWebSocket.connect(server.streamUri())) {
            client.write(request.getBytes(StandardCharsets.US_ASCII));
            RawWebSocket.Response response = client.readResponseHead();
            if (kit.variants().unauthorized() == HostVariants.Refusal.HTTP_STATUS) {
                assertThat(response.status()).as("%s: %s", what, response.head()).isIn(statuses);
                return;
            }
            if (response.status() != 101) {
                assertThat(response.status()).as("%s, refused by the container: %s", what, response.head())
                        .isBetween(400, 499);
                return;
            }
            client.write(RawWebSocket.masked(RawWebSocket.FINAL_BINARY, SampleFrames.coffee()));
            List<RawWebSocket.Frame> frames = client.readUntilClosed();
            assertThat(frames).as("%s, upgraded: an error, then the close, no answer to the frame", what).hasSize(2);
            JsonNode error = JSON.readTree(frames.get(0).text());
            assertThat(error.path("error").asText()).as("%s: %s", what, error).isIn(errors);
            ErrorMessages.assertError(error, error.path("error").asText());
            assertThat(frames.get(1).opcode()).as("%s: %s", what, frames.get(1)).isEqualTo(RawWebSocket.CLOSE);
        }
    }

    /** A handshake with the given Upgrade line first, then the usual lines, then the extra ones ({@code -} for none). */
    private static String request(URI stream, String upgrade, String extra, String more) {
        StringBuilder request = new StringBuilder("GET " + stream.getRawPath() + "?pipeline_id=noop HTTP/1.1\r\nHost: "
                + stream.getHost() + ":" + stream.getPort() + "\r\n" + upgrade.trim() + "\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + RawWebSocket.KEY + "\r\nSec-WebSocket-Version: 13\r\n");
        for (String lines : new String[] {extra, more}) {
            if (!"-".equals(lines.trim())) {
                request.append(lines.trim()).append("\r\n");
            }
        }
        return request.append("\r\n").toString();
    }
}
