package io.streaminfer.app;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Checks an address to bind ({@code STREAM_HOST}, {@code STREAM_MANAGEMENT_HOST}) without
 * resolving it: a literal IPv4 or IPv6 address, or a host name made of DNS labels. A scheme, a
 * port, a path, brackets or spaces are refused, so a typo stops startup instead of binding
 * somewhere unexpected.
 */
final class BindAddress {

    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern HEX_GROUP = Pattern.compile("[0-9A-Fa-f]{1,4}");

    private BindAddress() {
    }

    /**
     * @param variable the variable, for the message
     * @param text     its value, trimmed
     * @return the value
     * @throws ConfigurationException saying what an address looks like
     */
    static String check(String variable, String text) {
        if (isIpv4(text) || isIpv6(text) || isHostName(text)) {
            return text;
        }
        throw new ConfigurationException(variable, "expected an IP address (0.0.0.0, 127.0.0.1, ::, ::1) or a host name,"
                + " with no scheme, port, path or spaces, got '" + text + "'");
    }

    /**
     * @param host a checked address
     * @return whether it names this machine's loopback interface only
     */
    static boolean isLoopback(String host) {
        String lower = host.toLowerCase(Locale.ROOT);
        return "localhost".equals(lower) || (isIpv4(host) && host.startsWith("127.")) || "::1".equals(host)
                || "0:0:0:0:0:0:0:1".equals(host);
    }

    static boolean isIpv4(String text) {
        return IPV4.matcher(text).matches();
    }

    static boolean isIpv6(String text) {
        if (text.indexOf(':') < 0 || text.contains(":::")) {
            return false;
        }
        String address = text;
        int groups = 0;
        int lastColon = address.lastIndexOf(':');
        String tail = address.substring(lastColon + 1);
        if (tail.indexOf('.') >= 0) { // ::ffff:192.0.2.1
            if (!isIpv4(tail)) {
                return false;
            }
            address = address.substring(0, lastColon + 1) + "0:0";
        }
        int compressed = address.indexOf("::");
        if (compressed >= 0 && address.indexOf("::", compressed + 1) >= 0) {
            return false;
        }
        String[] sides = compressed >= 0
                ? new String[] {address.substring(0, compressed), address.substring(compressed + 2)}
                : new String[] {address};
        for (String side : sides) {
            if (side.isEmpty()) {
                continue;
            }
            for (String group : side.split(":", -1)) {
                if (!HEX_GROUP.matcher(group).matches()) {
                    return false;
                }
                groups++;
            }
        }
        return compressed >= 0 ? groups <= 7 : groups == 8;
    }

    static boolean isHostName(String text) {
        if (text.isEmpty() || text.length() > 253) {
            return false;
        }
        String[] labels = text.split("\\.", -1);
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        // a name whose last label is all digits would be a mistyped IPv4 address (300.1.1.1, 10.0.0)
        return !labels[labels.length - 1].chars().allMatch(Character::isDigit);
    }
}
