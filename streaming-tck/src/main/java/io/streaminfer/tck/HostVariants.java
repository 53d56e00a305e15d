package io.streaminfer.tck;

import java.util.Objects;

/**
 * What a host does where the protocol allows two answers, because some hosts cannot answer a
 * handshake with an HTTP status (the {@code jakarta.websocket} API alone has no way to): a
 * kit subclass declares its host's answers once, by overriding
 * {@link StreamingProtocolCompatibilityKit#variants()}, and the kit then requires exactly those.
 *
 * @param unauthorized how a handshake without the right token is refused; also how one whose
 *                     headers could be read two ways is (the kit's handshake cases): a host that
 *                     can answer 401 before the upgrade can answer 400 there too
 * @param draining     how a handshake is refused while the server stops
 * @param violationCloseMayBeLost whether the host's container handles RFC 6455 violations itself and
 *                     may end the connection without its 1002 close frame reaching the client
 *                     (Tomcat: it sends the close frame and resets the connection at once, now and
 *                     then before the frame is read); a data frame after a violation still fails
 */
public record HostVariants(Refusal unauthorized, Refusal draining, boolean violationCloseMayBeLost) {

    /**
     * @param unauthorized how a handshake without the right token is refused
     * @param draining     how a handshake is refused while the server stops
     */
    public HostVariants(Refusal unauthorized, Refusal draining) {
        this(unauthorized, draining, false);
    }

    /** How a host refuses a handshake. */
    public enum Refusal {
        /**
         * No WebSocket: an HTTP status at the handshake (401 without the token; 503 with
         * {@code Retry-After} while draining).
         */
        HTTP_STATUS,
        /**
         * Upgraded, then one error message and a close ({@code unauthorized} and 1008 without the
         * token; {@code server_busy} and 1013 while draining).
         */
        ERROR_AFTER_UPGRADE
    }

    /** Checks the values. */
    public HostVariants {
        Objects.requireNonNull(unauthorized, "unauthorized");
        Objects.requireNonNull(draining, "draining");
    }

    /** @return refusals by HTTP status at the handshake: the standalone server on Tyrus or Jetty */
    public static HostVariants httpStatuses() {
        return new HostVariants(Refusal.HTTP_STATUS, Refusal.HTTP_STATUS);
    }

    /** @return these answers, for a container (Tomcat) that may lose its 1002 close frame to a reset */
    public HostVariants withViolationCloseMayBeLost() {
        return new HostVariants(unauthorized, draining, true);
    }

    /** @return refusals after the upgrade: the Jakarta endpoint in a container of your own */
    public static HostVariants errorsAfterUpgrade() {
        return new HostVariants(Refusal.ERROR_AFTER_UPGRADE, Refusal.ERROR_AFTER_UPGRADE);
    }
}
