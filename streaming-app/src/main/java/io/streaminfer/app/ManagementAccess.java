package io.streaminfer.app;

import io.streaminfer.protocol.SameOrigin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Objects;

/**
 * Who may read the management endpoints that reveal clients ({@code /sessions}, and any endpoint
 * that changes state): everyone, holders of {@code STREAM_MANAGEMENT_TOKEN}, or nobody (with the
 * sentence that says which variable to set). The probes and the scraper's endpoints
 * ({@code /health}, {@code /ready}, {@code /metrics}, {@code /pipelines}) never need it. Its text
 * form hides the token.
 */
public final class ManagementAccess {

    private static final String BEARER = "bearer ";

    /** What a request to a guarded endpoint gets. */
    public enum Verdict {
        /** Served. */
        ALLOWED,
        /** 401: a token is configured and the request did not carry it. */
        UNAUTHORIZED,
        /** 403: no token is configured and the endpoint is closed; see {@link #closedReason()}. */
        FORBIDDEN
    }

    private final byte[] tokenDigest;
    private final String closedReason;

    private ManagementAccess(byte[] tokenDigest, String closedReason) {
        this.tokenDigest = tokenDigest;
        this.closedReason = closedReason;
    }

    /** @return guarded endpoints open to everyone (a management listener on loopback with no tokens at all) */
    public static ManagementAccess open() {
        return new ManagementAccess(null, null);
    }

    /**
     * @param token the shared secret callers send as {@code Authorization: Bearer <token>}
     * @return guarded endpoints open to holders of the token
     */
    public static ManagementAccess token(String token) {
        return new ManagementAccess(digest(Objects.requireNonNull(token, "token")), null);
    }

    /**
     * @param reason a sentence for the caller saying which variable opens them
     * @return guarded endpoints closed to everyone
     */
    public static ManagementAccess closed(String reason) {
        return new ManagementAccess(null, Objects.requireNonNull(reason, "reason"));
    }

    /** @return whether a token is configured */
    public boolean tokenRequired() {
        return tokenDigest != null;
    }

    /** @return why guarded endpoints are closed, or {@literal null} when they are not */
    public String closedReason() {
        return closedReason;
    }

    /**
     * @param authorization the request's {@code Authorization} header, or {@literal null}
     * @return what the request gets; the token is compared in constant time
     */
    public Verdict check(String authorization) {
        if (closedReason != null) {
            return Verdict.FORBIDDEN;
        }
        if (tokenDigest == null) {
            return Verdict.ALLOWED;
        }
        if (authorization == null || authorization.length() <= BEARER.length()
                || !authorization.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
            return Verdict.UNAUTHORIZED;
        }
        // digests have one length, so the comparison takes the same time whatever was sent
        byte[] candidate = digest(authorization.substring(BEARER.length()).trim());
        return MessageDigest.isEqual(tokenDigest, candidate) ? Verdict.ALLOWED : Verdict.UNAUTHORIZED;
    }

    /**
     * Whether a request addressed to this {@code Host} may use guarded endpoints once
     * {@link #check} allowed it: always with a token; in the open mode only when it names the
     * loopback interface by address ({@code 127.0.0.1}, {@code [::1]}) or as {@code localhost}.
     * A page of another site can point a name of its own at 127.0.0.1 (DNS rebinding); the
     * browser then takes the listener for that page's own origin, and only the {@code Host} the
     * request carries still tells them apart. Browsers never let a page set {@code Host}.
     *
     * @param host the request's {@code Host} header, or {@literal null}
     * @return whether the request may go on
     */
    public boolean hostAllowed(String host) {
        if (tokenDigest != null) {
            return true;
        }
        return SameOrigin.hostName(host).filter(BindAddress::isLoopback).isPresent();
    }

    private static byte[] digest(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return tokenDigest != null ? "ManagementAccess[token=(hidden)]"
                : closedReason != null ? "ManagementAccess[closed]" : "ManagementAccess[open]";
    }
}
