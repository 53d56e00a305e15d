package io.streaminfer.sources;

import io.streaminfer.protocol.TrustedProxies;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The hosts network sources may reach ({@code STREAM_SOURCES_ALLOWED_HOSTS}): host names, IP
 * addresses and CIDR ranges, comma separated; by default any host. Applied to every network
 * source, from the sources file and from the management API, when it is added.
 *
 * <p>A host name in a URL matches a listed name exactly (in any case); an IP address in a URL
 * matches a listed address or range. Names are not resolved: a range does not admit a name that
 * happens to resolve into it (the answer could change between this check and FFmpeg's connect).
 * An IPv4 address written in a form other than four plain decimal numbers ({@code 010.0.0.1},
 * {@code 0x7f.1}, {@code 2130706433}) is compared as a name, so it passes only if listed as
 * written: resolvers read such forms differently from Java. Immutable and thread-safe.
 */
public final class AllowedHosts {

    private static final AllowedHosts ANY = new AllowedHosts(Set.of(), TrustedProxies.none(), "");
    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IP_OR_RANGE = Pattern.compile("[0-9A-Fa-f:.]+(/\\d+)?");
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");

    private final Set<String> names;
    /** The address entries, matched as STREAM_TRUSTED_PROXIES matches its ranges. */
    private final TrustedProxies addresses;
    private final String text;

    private AllowedHosts(Set<String> names, TrustedProxies addresses, String text) {
        this.names = Set.copyOf(names);
        this.addresses = addresses;
        this.text = text;
    }

    /** @return no restriction: every host is allowed */
    public static AllowedHosts any() {
        return ANY;
    }

    /**
     * @param spec comma-separated host names, IP addresses and CIDR ranges, e.g.
     *             {@code cam1.example.org, 192.168.10.0/24, fd00::7}
     * @return the list; {@link #any()} for a spec with no entries
     * @throws IllegalArgumentException naming the first entry that is none of those
     */
    public static AllowedHosts parse(String spec) {
        Objects.requireNonNull(spec, "spec");
        Set<String> names = new LinkedHashSet<>();
        List<String> addresses = new java.util.ArrayList<>();
        List<String> entries = new java.util.ArrayList<>();
        for (String raw : spec.split(",")) {
            String entry = raw.trim().toLowerCase(Locale.ROOT);
            if (entry.isEmpty()) {
                continue;
            }
            if (entry.startsWith("[") && entry.endsWith("]")) {
                entry = entry.substring(1, entry.length() - 1);
            }
            if (IP_OR_RANGE.matcher(entry).matches() && (entry.contains(":") || IPV4.matcher(entry.split("/")[0]).matches())) {
                addresses.add(entry);
            } else if (NAME.matcher(stripDot(entry)).matches() && !entry.matches("[0-9.]+")) {
                names.add(stripDot(entry));
            } else {
                throw new IllegalArgumentException("'" + SourceUrl.shorten(raw.trim()) + "' is not a host name, an IP address"
                        + " or a CIDR range");
            }
            entries.add(entry);
        }
        if (entries.isEmpty()) {
            return ANY;
        }
        // the address syntax was checked above; TrustedProxies checks the prefix lengths
        return new AllowedHosts(names, TrustedProxies.parse(String.join(",", addresses)), String.join(",", entries));
    }

    /** @return whether every host is allowed */
    public boolean anyHost() {
        return text.isEmpty();
    }

    /**
     * @param host a URL's host: a name, or an IP literal (IPv6 without brackets)
     * @return whether a source may reach it
     */
    public boolean allows(String host) {
        if (anyHost()) {
            return true;
        }
        String shown = host.toLowerCase(Locale.ROOT);
        if (IPV4.matcher(shown).matches() || shown.contains(":")) {
            return addresses.trusts(shown);
        }
        return names.contains(stripDot(shown));
    }

    private static String stripDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    /** @return the entries as parsed, comma separated; empty for any host */
    @Override
    public String toString() {
        return text;
    }
}
