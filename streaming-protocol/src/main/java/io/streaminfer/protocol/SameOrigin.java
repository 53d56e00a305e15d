package io.streaminfer.protocol;

import java.util.Locale;
import java.util.Optional;

/**
 * Whether a browser's {@code Origin} header names the server the request was sent to, as the
 * request's {@code Host} header names it: the page that made the request is then the server's own
 * (its web console), not another site's. The host is compared without case, the port with the
 * scheme's default filled in on both sides ({@code http} 80, {@code https} 443; a {@code Host}
 * without a port is taken at the origin's default port, as a browser sends it). The scheme itself
 * is not compared: the {@code Host} does not carry it, and one port serves one scheme, so a page
 * on the same host and port is the server's own, behind a TLS proxy too. {@code Origin:
 * null} (a sandboxed frame, a file, a redirect across sites), a scheme other than {@code http} and
 * {@code https}, anything that does not parse, and a missing {@code Host} are all foreign: the
 * answer is never "same" by doubt.
 */
public final class SameOrigin {

    private SameOrigin() {
    }

    /**
     * @param origin the {@code Origin} header as sent, not {@literal null}
     * @param host   the {@code Host} header as sent, or {@literal null} when there was none
     * @return whether the origin is the server's own
     */
    public static boolean matches(String origin, String host) {
        if (origin == null || host == null) {
            return false;
        }
        String value = origin.trim().toLowerCase(Locale.ROOT);
        int defaultPort;
        if (value.startsWith("http://")) {
            defaultPort = 80;
        } else if (value.startsWith("https://")) {
            defaultPort = 443;
        } else {
            return false; // "null", and any scheme a page on this server cannot have
        }
        Authority page = Authority.parse(value.substring(value.indexOf("://") + 3), defaultPort);
        Authority server = Authority.parse(host.trim().toLowerCase(Locale.ROOT), defaultPort);
        return page != null && server != null && page.equals(server);
    }

    /**
     * @param host a {@code Host} header as sent, or {@literal null}
     * @return the host it names, in lower case, an IPv6 literal without its brackets; empty when
     *         there is none or it does not parse (as {@link #matches} reads it), never {@literal null}
     */
    public static Optional<String> hostName(String host) {
        Authority authority = host == null ? null : Authority.parse(host.trim().toLowerCase(Locale.ROOT), 80);
        if (authority == null) {
            return Optional.empty();
        }
        String name = authority.host();
        return Optional.of(name.startsWith("[") ? name.substring(1, name.length() - 1) : name);
    }

    /** A host and a port, from {@code host}, {@code host:port}, {@code [v6]} or {@code [v6]:port}. */
    private record Authority(String host, int port) {

        /** @return the authority, or {@literal null} when the text is not one (a path, user info, a bad port) */
        static Authority parse(String text, int defaultPort) {
            if (text.isEmpty() || text.indexOf('/') >= 0 || text.indexOf('@') >= 0 || text.indexOf('?') >= 0
                    || text.indexOf('#') >= 0) {
                return null;
            }
            String host;
            String port;
            if (text.startsWith("[")) {
                int end = text.indexOf(']');
                if (end < 0) {
                    return null;
                }
                host = text.substring(0, end + 1);
                String rest = text.substring(end + 1);
                if (!rest.isEmpty() && !rest.startsWith(":")) {
                    return null;
                }
                port = rest.isEmpty() ? null : rest.substring(1);
            } else {
                int colon = text.indexOf(':');
                if (colon != text.lastIndexOf(':')) {
                    return null; // an IPv6 address without brackets is no host header
                }
                host = colon < 0 ? text : text.substring(0, colon);
                port = colon < 0 ? null : text.substring(colon + 1);
            }
            if (host.isEmpty() || host.equals("[]")) {
                return null;
            }
            if (port == null) {
                return new Authority(host, defaultPort);
            }
            if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return null;
            }
            int number = Integer.parseInt(port);
            return number < 1 || number > 65535 ? null : new Authority(host, number);
        }
    }
}
