package io.streaminfer.protocol;

import java.net.URI;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
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
 *
 * <p>A handshake must be read the same way by every layer that reads it: our checks, the token
 * check and the container that upgrades. A header those layers need once ({@link #SINGLE_HEADERS})
 * sent twice, or an {@code Upgrade} header naming more than one protocol, could be read one way by
 * a guard (the first {@code Upgrade: h2c}: not a WebSocket, no token asked for) and another way by
 * the container (the second {@code Upgrade: websocket}: upgraded), so such a handshake is refused
 * with 400 before anything else ({@link #ambiguous}). Headers are therefore read as every line sent
 * under a name: {@code Function<String, List<String>>}, one value per header line, in any case.
 * The path too: the guards decide on the path as sent, while containers route on it decoded and
 * normalised ({@code /ws/%73ources/x} is {@code /ws/sources/x} to Jetty and Tyrus), so a handshake
 * whose path holds anything but letters, digits, {@code - . _ ~} and single slashes between
 * segments (an escape, a {@code .} or {@code ..} segment, a {@code ;} parameter, an empty segment)
 * is refused with 400: no path of this server needs one.
 */
public final class HandshakeCheck {

    /** The only WebSocket version there is (RFC 6455). */
    public static final String VERSION = "13";
    /** Seconds a client (or a proxy) is told to wait before trying a draining server again. */
    public static final int RETRY_AFTER_SECONDS = 5;
    /** Headers a handshake may carry at most once, since the layers reading them might each take another line. */
    public static final List<String> SINGLE_HEADERS = List.of("Host", "Upgrade", "Sec-WebSocket-Key",
            "Sec-WebSocket-Version", "Origin", "Authorization");

    private HandshakeCheck() {
    }

    /**
     * @param headers every line of a request header by name (any case): one value per line as sent,
     *                empty or {@literal null} when absent
     * @return whether the request asks for a WebSocket upgrade in any of its {@code Upgrade} lines
     */
    public static boolean isWebSocketUpgrade(Function<String, List<String>> headers) {
        for (String value : values(headers, "Upgrade")) {
            if (hasToken(value, "websocket")) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param headers every line of a request header by name, as for {@link #isWebSocketUpgrade}
     * @return a 400 when a header of {@link #SINGLE_HEADERS} comes more than once or the
     *         {@code Upgrade} header names more than one protocol, else empty; never {@literal null}
     */
    public static Optional<Refusal> ambiguous(Function<String, List<String>> headers) {
        for (String name : SINGLE_HEADERS) {
            if (values(headers, name).size() > 1) {
                return refuse("a WebSocket handshake sends the " + name + " header once");
            }
        }
        List<String> upgrade = values(headers, "Upgrade");
        if (!upgrade.isEmpty() && upgrade.get(0).indexOf(',') >= 0) {
            return refuse("the Upgrade header of a WebSocket handshake names websocket alone");
        }
        return Optional.empty();
    }

    /**
     * @param headers header lines by name, e.g. a Jakarta {@code HandshakeRequest}'s
     * @return {@code headers} as a lookup for the checks here: the lines of every key that equals the
     *         name in any case, so {@code Upgrade} and {@code upgrade} kept apart by a case-sensitive
     *         map count as two lines; never {@literal null}
     */
    public static Function<String, List<String>> lookup(Map<String, List<String>> headers) {
        return name -> {
            List<String> lines = new ArrayList<>(1);
            for (Map.Entry<String, List<String>> header : headers.entrySet()) {
                if (header.getKey() != null && header.getKey().equalsIgnoreCase(name) && header.getValue() != null) {
                    lines.addAll(header.getValue());
                }
            }
            return lines;
        };
    }

    /**
     * @param method   the request method
     * @param protocol the HTTP version, e.g. {@code HTTP/1.1}
     * @param target   the request target (path and query) as sent
     * @param headers  every line of a request header by name, as for {@link #isWebSocketUpgrade}
     * @return why the handshake is refused, or empty when it is well formed; never {@literal null}
     */
    public static Optional<Refusal> check(String method, String protocol, String target,
                                          Function<String, List<String>> headers) {
        Optional<Refusal> ambiguous = ambiguous(headers);
        if (ambiguous.isPresent()) {
            return ambiguous;
        }
        Function<String, String> header = name -> {
            List<String> lines = values(headers, name);
            return lines.isEmpty() ? null : lines.get(0);
        };
        if (!"GET".equals(method)) {
            return refuse("a WebSocket handshake is a GET request");
        }
        if (!"HTTP/1.1".equals(protocol)) {
            return refuse("a WebSocket handshake needs HTTP/1.1");
        }
        if (!validTarget(target)) {
            return refuse("the request URI is not valid");
        }
        if (!plainPath(URI.create(target).getRawPath())) {
            return refuse("the path of a WebSocket handshake is sent as is: letters, digits, '-', '.', '_' and '~'"
                    + " between single slashes, no escapes and no '.' or '..' segments");
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

    private static List<String> values(Function<String, List<String>> headers, String name) {
        List<String> lines = headers.apply(name);
        return lines == null ? List.of() : lines;
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
            URI.create(target); // what the containers parse later, after the 101 is sent
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Whether a path reads the same as sent, decoded and normalised: RFC 3986's unreserved characters only. */
    private static boolean plainPath(String path) {
        if (path == null || !path.startsWith("/")) {
            return false;
        }
        if (path.length() == 1) {
            return true;
        }
        for (String segment : path.substring(1).split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return false;
            }
            for (int i = 0; i < segment.length(); i++) {
                char c = segment.charAt(i);
                boolean unreserved = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                        || c == '-' || c == '.' || c == '_' || c == '~';
                if (!unreserved) {
                    return false;
                }
            }
        }
        return true;
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
