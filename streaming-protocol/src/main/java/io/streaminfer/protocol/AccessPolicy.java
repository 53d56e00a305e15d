package io.streaminfer.protocol;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Who may open a stream: which page origins (against cross-site WebSocket hijacking) and, when
 * a token is configured, who presents it ({@code Authorization: Bearer <token>} or, for
 * browsers, which cannot set headers on a WebSocket, an {@code access_token} query parameter,
 * also accepted as {@code api_key}). Watchers of a source follow the same rules, except that
 * without an origin list only the server's own pages may watch ({@link #watcherOriginAllowed}).
 * Immutable and thread-safe.
 */
public final class AccessPolicy {

    /** The query parameter browsers put the token in. */
    public static final String TOKEN_PARAMETER = "access_token";
    /** Another name for {@link #TOKEN_PARAMETER}: the original project's client sends this one. */
    public static final String TOKEN_PARAMETER_ALIAS = "api_key";
    /** The body of the 403 that refuses a watcher's handshake from a page {@link #watcherOriginAllowed} refuses. */
    public static final String WATCHER_ORIGIN_REFUSED = "a page of another site may not watch sources;"
            + " STREAM_ALLOWED_ORIGINS lists the sites that may";

    private final Set<String> allowedOrigins;
    private final boolean anyOrigin;
    /** Whether the operator gave a list of origins ({@code *} included), rather than none at all. */
    private final boolean originList;
    private final boolean requireOrigin;
    private final byte[] token;

    private AccessPolicy(Set<String> allowedOrigins, boolean requireOrigin, String token) {
        this.originList = !allowedOrigins.isEmpty();
        this.anyOrigin = !originList || allowedOrigins.contains("*");
        this.allowedOrigins = Set.copyOf(allowedOrigins);
        this.requireOrigin = requireOrigin;
        this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
    }

    /** @return a policy with no origin list and no token: any page may stream, only the server's own may watch */
    public static AccessPolicy open() {
        return new AccessPolicy(Set.of(), false, null);
    }

    /**
     * @param allowedOrigins exact origins (e.g. {@code https://cams.example.org}) or {@code *}; empty = none given: any
     *                       page may open streams, only the server's own may watch sources
     * @param requireOrigin  refuse clients that send no {@code Origin} header
     * @param token          the shared secret, or {@literal null} for none
     * @return the policy
     */
    public static AccessPolicy of(Set<String> allowedOrigins, boolean requireOrigin, String token) {
        Objects.requireNonNull(allowedOrigins, "allowedOrigins");
        if (token != null && token.isBlank()) {
            throw new IllegalArgumentException("the token must not be blank");
        }
        return new AccessPolicy(allowedOrigins, requireOrigin, token);
    }

    /**
     * @param origin the {@code Origin} header, or {@literal null} when the client sent none
     * @return whether the handshake may go on
     */
    public boolean originAllowed(String origin) {
        if (origin == null || origin.isEmpty()) {
            return !requireOrigin; // cameras and scripts send none
        }
        return anyOrigin || allowedOrigins.contains(origin);
    }

    /**
     * Whether a page may watch a source ({@code /ws/sources/<id>}). With an origin list the list
     * decides, as for streams. Without one, a page from another site is refused even so: a
     * watcher shows the camera's frames, and a page the operator happens to open must not read
     * them. Only the server's own pages (the web console) may watch then, and clients that send
     * no {@code Origin} (scripts, tools), unless an origin is required.
     *
     * @param origin the {@code Origin} header, or {@literal null} when the client sent none
     * @param host   the handshake's {@code Host} header, or {@literal null}
     * @return whether the handshake may go on
     */
    public boolean watcherOriginAllowed(String origin, String host) {
        if (originList || origin == null || origin.isEmpty()) {
            return originAllowed(origin);
        }
        return SameOrigin.matches(origin, host);
    }

    /** @return whether only some origins may connect */
    public boolean restrictsOrigins() {
        return !anyOrigin || requireOrigin;
    }

    @Override
    public String toString() {
        return "AccessPolicy[origins=" + (anyOrigin ? "*" : allowedOrigins) + ", requireOrigin=" + requireOrigin
                + ", token=" + (token == null ? "none" : "set") + "]";
    }

    /** @return whether a token is required */
    public boolean tokenRequired() {
        return token != null;
    }

    /**
     * @param headers    the handshake's headers (names in any case)
     * @param parameters the handshake's query parameters
     * @return whether the client presented the token (always true when none is configured)
     */
    public boolean authorized(Map<String, List<String>> headers, Map<String, List<String>> parameters) {
        if (token == null) {
            return true;
        }
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            if ("authorization".equalsIgnoreCase(header.getKey())) {
                for (String value : header.getValue()) {
                    if (value.regionMatches(true, 0, "Bearer ", 0, 7) && matches(value.substring(7).trim())) {
                        return true;
                    }
                }
            }
        }
        for (String name : List.of(TOKEN_PARAMETER, TOKEN_PARAMETER_ALIAS)) {
            List<String> fromQuery = parameters.get(name);
            if (fromQuery != null && fromQuery.stream().anyMatch(this::matches)) {
                return true;
            }
        }
        return false;
    }

    /** Constant-time comparison, so the time taken says nothing about how much of a guess was right. */
    private boolean matches(String candidate) {
        return MessageDigest.isEqual(token, candidate.getBytes(StandardCharsets.UTF_8));
    }
}
