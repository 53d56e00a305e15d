package io.streaminfer.protocol;

import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The checks of RFC 6455 section 4.2.1 on an opening handshake, container-neutral, so every
 * runtime refuses the same malformed handshakes the same way before its container sees them:
 * 400 for a request that is not a well-formed upgrade (not a GET, not HTTP/1.1, no Host, no
 * {@code Connection: Upgrade}, a {@code Sec-WebSocket-Key} that is not base64 of 16 bytes) and
 * 426 with {@code Sec-WebSocket-Version: 13} for another WebSocket version (section 4.4: the
 * client learns which version to retry with). Also the 503 a draining server answers with.
 */
public final class HandshakeCheck {

    /** The only WebSocket version there is (RFC 6455). */
    public static final String VERSION = "13";
    /** Seconds a client (or a proxy) is told to wait before trying a draining server again. */
    public static final int RETRY_AFTER_SECONDS = 5;

    private HandshakeCheck() {
    }

    /**
     * @param header a handshake header by name (any case), {@literal null} when absent
     * @return whether the request asks for a WebSocket upgrade at all
     */
    public static boolean isWebSocketUpgrade(Function<String, String> header) {
        return hasToken(header.apply("Upgrade"), "websocket");
    }

    /**
     * @param method   the request method
     * @param protocol the HTTP version, e.g. {@code HTTP/1.1}
     * @param target   the request target (path and query) as sent
     * @param header   a header by name (any case), {@literal null} when absent
     * @return why the handshake is refused, or empty when it is well formed; never {@literal null}
     */
    public static Optional<Refusal> check(String method, String protocol, String target, Function<String, String> header) {
        if (!"GET".equals(method)) {
            return refuse("a WebSocket handshake is a GET request");
        }
        if (!"HTTP/1.1".equals(protocol)) {
            return refuse("a WebSocket handshake needs HTTP/1.1");
        }
        if (!validTarget(target)) {
            return refuse("the request URI is not valid");
        }
        if (header.apply("Host") == null) {
            return refuse("a WebSocket handshake needs a Host header");
        }
        if (!hasToken(header.apply("Connection"), "upgrade")) {
            return refuse("a WebSocket handshake needs 'Connection: Upgrade'");
        }
        if (!validKey(header.apply("Sec-WebSocket-Key"))) {
            return refuse("Sec-WebSocket-Key must be the base64 encoding of 16 bytes");
        }
        String version = header.apply("Sec-WebSocket-Version");
        if (version == null || !VERSION.equals(version.trim())) {
            return Optional.of(new Refusal(426, "Upgrade Required", "this server speaks WebSocket version 13",
                    Map.of("Sec-WebSocket-Version", VERSION)));
        }
        return Optional.empty();
    }

    /** @return the answer to a handshake while the server drains: 503 with {@code Retry-After} */
    public static Refusal draining() {
        return new Refusal(503, "Service Unavailable", "the server is shutting down; try again",
                Map.of("Retry-After", String.valueOf(RETRY_AFTER_SECONDS)));
    }

    private static Optional<Refusal> refuse(String detail) {
        return Optional.of(new Refusal(400, "Bad Request", detail, Map.of()));
    }

    private static boolean validTarget(String target) {
        for (int i = target.indexOf('%'); i >= 0; i = target.indexOf('%', i + 1)) {
            if (i + 2 >= target.length() || Character.digit(target.charAt(i + 1), 16) < 0
                    || Character.digit(target.charAt(i + 2), 16) < 0) {
                return false; // a broken escape: refused the same way on every runtime, whatever parses it later
            }
        }
        try {
            java.net.URI.create(target); // what the containers parse later, after the 101 is sent
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean validKey(String key) {
        if (key == null || key.trim().length() != 24) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(key.trim()).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean hasToken(String value, String token) {
        if (value == null) {
            return false;
        }
        for (String part : value.split(",")) {
            if (part.trim().toLowerCase(Locale.ROOT).equals(token)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A refused handshake.
     *
     * @param status  the HTTP status
     * @param phrase  its reason phrase
     * @param detail  a sentence for humans, sent as a plain-text body
     * @param headers extra response headers
     */
    public record Refusal(int status, String phrase, String detail, Map<String, String> headers) {
    }
}
