package io.streaminfer.protocol;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Which peers may tell us the client's address ({@code STREAM_TRUSTED_PROXIES}: addresses and
 * CIDR ranges, default none). {@code Forwarded} (RFC 7239) and {@code X-Forwarded-For} are
 * honoured only when the connection comes from one of them; the client is then the nearest
 * address in the forwarding chain that is not itself a trusted proxy. Headers from any other
 * peer are ignored, so a client cannot pick its own address. Immutable and thread-safe.
 */
public final class TrustedProxies {

    private static final TrustedProxies NONE = new TrustedProxies(List.of(), "");

    private final List<Range> ranges;
    private final String text;

    private record Range(byte[] network, int prefixBits) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int bits = prefixBits;
            for (int i = 0; i < address.length && bits > 0; i++, bits -= 8) {
                int mask = bits >= 8 ? 0xFF : (0xFF << (8 - bits)) & 0xFF;
                if ((address[i] & mask) != (network[i] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    private TrustedProxies(List<Range> ranges, String text) {
        this.ranges = List.copyOf(ranges);
        this.text = text;
    }

    /** @return no trusted proxies: the peer is always the client */
    public static TrustedProxies none() {
        return NONE;
    }

    /**
     * @param spec comma-separated IPv4/IPv6 literals or CIDR ranges, e.g. {@code 10.0.0.0/8, ::1}
     * @return the parsed list
     * @throws IllegalArgumentException naming the first entry that is not an address or range
     */
    public static TrustedProxies parse(String spec) {
        Objects.requireNonNull(spec, "spec");
        List<Range> ranges = new ArrayList<>();
        List<String> entries = new ArrayList<>();
        for (String raw : spec.split(",")) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            int slash = entry.indexOf('/');
            String host = slash < 0 ? entry : entry.substring(0, slash);
            byte[] network = literal(host);
            if (network == null) {
                throw new IllegalArgumentException("'" + entry + "' is not an IP address or CIDR range");
            }
            int bits = network.length * 8;
            if (slash >= 0) {
                try {
                    bits = Integer.parseInt(entry.substring(slash + 1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + entry + "' has a prefix length that is not a number");
                }
                if (bits < 0 || bits > network.length * 8) {
                    throw new IllegalArgumentException("'" + entry + "' has a prefix length outside 0.." + network.length * 8);
                }
            }
            ranges.add(new Range(network, bits));
            entries.add(entry);
        }
        return new TrustedProxies(ranges, String.join(",", entries));
    }

    /** @return whether any proxy is trusted */
    public boolean any() {
        return !ranges.isEmpty();
    }

    /** @return whether {@code address} (an IP literal) is a trusted proxy */
    public boolean trusts(String address) {
        byte[] bytes = literal(address);
        if (bytes == null) {
            return false;
        }
        for (Range range : ranges) {
            if (range.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The client's address: the peer's, unless the peer is a trusted proxy that forwarded the
     * request, in which case the nearest untrusted address of the chain ({@code Forwarded} first,
     * then {@code X-Forwarded-For}).
     *
     * @param peer    the address of the TCP peer (an IP literal, without port)
     * @param headers the handshake's headers, names in any case
     * @return never {@literal null}
     */
    public String client(String peer, Map<String, List<String>> headers) {
        String client = peer == null || peer.isBlank() ? "unknown" : peer;
        if (ranges.isEmpty() || !trusts(client)) {
            return client;
        }
        List<String> chain = forwardedFor(headers);
        for (int i = chain.size() - 1; i >= 0; i--) {
            String hop = chain.get(i);
            if (literal(hop) == null) {
                return client; // an obfuscated or broken hop: stop at the last address we can vouch for
            }
            client = hop;
            if (!trusts(hop)) {
                return hop;
            }
        }
        return client;
    }

    /** The forwarding chain, client first: {@code Forwarded: for=} values, else {@code X-Forwarded-For}. */
    private static List<String> forwardedFor(Map<String, List<String>> headers) {
        List<String> forwarded = new ArrayList<>();
        List<String> xForwardedFor = new ArrayList<>();
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            for (String value : header.getValue()) {
                if ("forwarded".equals(name)) {
                    for (String element : value.split(",")) {
                        for (String pair : element.split(";")) {
                            String p = pair.trim();
                            if (p.regionMatches(true, 0, "for=", 0, 4)) {
                                forwarded.add(node(p.substring(4)));
                            }
                        }
                    }
                } else if ("x-forwarded-for".equals(name)) {
                    for (String hop : value.split(",")) {
                        xForwardedFor.add(hop.trim());
                    }
                }
            }
        }
        return forwarded.isEmpty() ? xForwardedFor : forwarded;
    }

    /** An RFC 7239 node without quotes, brackets or port. */
    private static String node(String value) {
        String v = value.trim();
        if (v.startsWith("\"") && v.endsWith("\"") && v.length() >= 2) {
            v = v.substring(1, v.length() - 1);
        }
        if (v.startsWith("[")) {
            int end = v.indexOf(']');
            return end > 0 ? v.substring(1, end) : v;
        }
        int colon = v.indexOf(':');
        return colon >= 0 && v.indexOf(':', colon + 1) < 0 ? v.substring(0, colon) : v;
    }

    /** The bytes of an IP literal, or {@literal null} when it is not one (never a DNS lookup). */
    private static byte[] literal(String host) {
        if (host == null || host.isEmpty()) {
            return null;
        }
        boolean ipv4 = host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
        boolean ipv6 = host.indexOf(':') >= 0 && host.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0);
        if (!ipv4 && !ipv6) {
            return null;
        }
        if (ipv4 && host.split("\\.", -1).length != 4) {
            return null;
        }
        try {
            byte[] bytes = InetAddress.getByName(host).getAddress(); // a literal: parsed, not looked up
            if (bytes.length == 16 && isIpv4Mapped(bytes)) {
                byte[] v4 = new byte[4];
                System.arraycopy(bytes, 12, v4, 0, 4);
                return v4;
            }
            return bytes;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static boolean isIpv4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return (b[10] & 0xFF) == 0xFF && (b[11] & 0xFF) == 0xFF;
    }

    @Override
    public String toString() {
        return text.isEmpty() ? "none" : text;
    }
}
