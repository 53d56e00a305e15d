package io.streaminfer.protocol;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class HandshakeCheckTest {

    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    /** The header lines of a valid handshake, then {@code extra} lines ("Name: value"). */
    private static Map<String, List<String>> handshake(String... extra) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        List<String> lines = new ArrayList<>(List.of("Host: 127.0.0.1", "Upgrade: websocket", "Connection: Upgrade",
                "Sec-WebSocket-Key: " + KEY, "Sec-WebSocket-Version: 13"));
        lines.addAll(List.of(extra));
        for (String line : lines) {
            int colon = line.indexOf(':');
            headers.computeIfAbsent(line.substring(0, colon), name -> new ArrayList<>()).add(line.substring(colon + 1).trim());
        }
        return headers;
    }

    private static Optional<HandshakeCheck.Refusal> check(Map<String, List<String>> headers) {
        return HandshakeCheck.check("GET", "HTTP/1.1", "/ws/video/stream?pipeline_id=noop", HandshakeCheck.lookup(headers));
    }

    @Test
    @DisplayName("a well-formed handshake passes, whatever the case of its header names")
    void wellFormed() {
        assertThat(check(handshake())).isEmpty();
        Map<String, List<String>> lowerCase = new LinkedHashMap<>();
        handshake().forEach((name, values) -> lowerCase.put(name.toLowerCase(java.util.Locale.ROOT), values));
        assertThat(check(lowerCase)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Host: 127.0.0.2", "Upgrade: websocket", "Sec-WebSocket-Key: AQIDBAUGBwgJCgsMDQ4PEA==",
            "Sec-WebSocket-Version: 13", "Authorization: Bearer x", "origin: http://a.example"})
    @DisplayName("a header the layers read once, sent twice, is refused with 400 naming it")
    void repeatedHeaderIsRefused(String line) {
        Map<String, List<String>> headers = handshake(line);
        if (line.startsWith("Authorization") || line.startsWith("origin")) {
            headers = handshake(line, line.replace("x", "y").replace("a.example", "b.example"));
        }

        Optional<HandshakeCheck.Refusal> refusal = check(headers);

        assertThat(refusal).hasValueSatisfying(r -> {
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.detail()).containsIgnoringCase(line.substring(0, line.indexOf(':')));
        });
    }

    @Test
    @DisplayName("an Upgrade naming two protocols is refused; a repeated Connection or Sec-WebSocket-Protocol is not")
    void upgradeNamesWebsocketAlone() {
        Map<String, List<String>> twoProtocols = handshake();
        twoProtocols.put("Upgrade", List.of("h2c, websocket"));

        assertThat(check(twoProtocols)).hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(400));
        assertThat(check(handshake("Connection: keep-alive", "Sec-WebSocket-Protocol: a", "Sec-WebSocket-Protocol: b")))
                .isEmpty();
    }

    @Test
    @DisplayName("lines kept apart by a case-sensitive map under Upgrade and upgrade count as a repeated header")
    void namesDifferingInCaseAreOneHeader() {
        Map<String, List<String>> headers = handshake();
        headers.put("upgrade", List.of("h2c"));

        assertThat(check(headers)).hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(400));
    }

    @Test
    @DisplayName("a request is a WebSocket upgrade when any Upgrade line names websocket, the first or not")
    void upgradeInAnyLine() {
        Map<String, List<String>> h2cFirst = handshake();
        h2cFirst.put("Upgrade", List.of("h2c", "websocket"));

        assertThat(HandshakeCheck.isWebSocketUpgrade(HandshakeCheck.lookup(h2cFirst))).isTrue();
        assertThat(check(h2cFirst)).hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(400));
        assertThat(HandshakeCheck.isWebSocketUpgrade(HandshakeCheck.lookup(Map.of("upgrade", List.of("h2c"))))).isFalse();
        assertThat(HandshakeCheck.isWebSocketUpgrade(HandshakeCheck.lookup(Map.of()))).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/ws/%73ources/door", "/ws/sources/d%6Fr", "/ws/./sources/door", "/ws/x/../sources/door",
            "/ws/sources/..", "/ws//sources/door", "/ws/sources;p=1/door", "/ws/sources/door/", "?pipeline_id=noop"})
    @DisplayName("a path a container would decode or normalise into another (an escape, a dot or empty segment, a"
            + " parameter) is refused with 400")
    void pathReadTwoWaysIsRefused(String target) {
        Optional<HandshakeCheck.Refusal> refusal = HandshakeCheck.check("GET", "HTTP/1.1", target,
                HandshakeCheck.lookup(handshake()));

        assertThat(refusal).hasValueSatisfying(r -> {
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.detail()).contains("path");
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/ws/video/stream?pipeline_id=noop&access_token=a%2Bb", "/ws/sources/Cam_1-a.b~c", "/"})
    @DisplayName("the paths of this server, with escapes in the query, pass")
    void plainPathsPass(String target) {
        assertThat(HandshakeCheck.check("GET", "HTTP/1.1", target, HandshakeCheck.lookup(handshake()))).isEmpty();
    }
}
