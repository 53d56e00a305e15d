package io.streaminfer.protocol;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hides secrets in whatever the server shows: URLs (in management answers, logs, metrics, error
 * details, FFmpeg's messages) and header values. The one rule for URLs is {@link #url}; see
 * docs/operations.md, "What the server shows of a URL". Redaction works on the text alone (it
 * never fails, even on a malformed URL) and errs towards hiding too much.
 */
public final class Redaction {

    /** What a hidden value is replaced with. */
    public static final String MASK = "***";

    // Header names are the one place a word list still applies; "pass", "pwd" and "pw" catch X-Pass, X-Cam-Pwd...
    private static final String[] CREDENTIAL_WORDS = {"auth", "token", "key", "secret", "pass", "pwd", "pw",
        "cookie", "signature", "sig", "credential"};

    private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:");
    /** A URL quoted in free text: a scheme, {@code ://}, and everything up to a space or a quote. */
    private static final Pattern QUOTED_URL = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://[^\\s\"'<>`]*");
    /** Punctuation that ends a sentence rather than a quoted URL ({@code rtsp://cam/x: Connection refused}). */
    private static final String TRAILING = ".,;:!)]}";

    private Redaction() {
    }

    /**
     * Shows a URL by the server's one rule: the scheme, the user name, the host and the port stay;
     * the password, the whole path, the query and the fragment are each replaced by {@value #MASK}
     * when present and non-empty. A userinfo without a password ({@code https://TOKEN@host}) is
     * hidden whole: that form carries tokens, not user names. {@code rtsp://viewer:pw@192.168.1.20/stream2?pwd=x} becomes
     * {@code rtsp://viewer:***@192.168.1.20/***?***}, {@code https://hooks.slack.com/services/T0/B0/X}
     * becomes {@code https://hooks.slack.com/***}, {@code tcp://broker:1883} stays as it is. Secrets
     * live in paths (chat webhooks, stream keys) and in query parameters of any name, so no word
     * list could find them.
     *
     * <p>Local files, an absolute path or a {@code file:} URL, are shown as written: they are the
     * operator's own paths, not credentials. A URL without {@code //} after its scheme
     * ({@code user:secret@host}) shows only its scheme; text that is neither a URL nor an absolute
     * path shows nothing. The authority ends at the first {@code /}, {@code ?} or {@code #} and the
     * user name at the authority's last {@code @}, as FFmpeg and the JDK read them; when an
     * {@code @} comes later (a password holding an unescaped {@code /}, {@code ?} or {@code #}),
     * what would be the port is hidden too, since it may be the start of that password.
     *
     * @param url a URL, possibly malformed, possibly {@literal null}
     * @return the URL as the server shows it; {@code ""} for {@literal null}, never {@literal null}
     */
    public static String url(String url) {
        if (url == null) {
            return "";
        }
        Matcher scheme = SCHEME.matcher(url);
        if (!scheme.lookingAt()) {
            if (url.startsWith("//")) {
                return hierarchical(url, "//", 2);
            }
            return url.startsWith("/") ? url : pathQueryFragment(url, 0);
        }
        String name = url.substring(0, scheme.end());
        if (name.toLowerCase(Locale.ROOT).equals("file:")) {
            return url;
        }
        if (url.startsWith("//", scheme.end())) {
            return hierarchical(url, name + "//", scheme.end() + 2);
        }
        return name + (scheme.end() == url.length() ? "" : MASK);
    }

    /**
     * Applies {@link #url} to every URL quoted in a sentence (an exception's message, a line of
     * FFmpeg's): each {@code scheme://...} up to the next space or quote.
     *
     * @param text a sentence, possibly {@literal null}
     * @return the sentence with each URL shown by the rule; {@code ""} for {@literal null}
     */
    public static String urlsIn(String text) {
        if (text == null) {
            return "";
        }
        Matcher quoted = QUOTED_URL.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        int last = 0;
        while (quoted.find()) {
            int end = quoted.end();
            while (end > quoted.start() && TRAILING.indexOf(text.charAt(end - 1)) >= 0) {
                end--;
            }
            out.append(text, last, quoted.start()).append(url(text.substring(quoted.start(), end)));
            last = end;
        }
        return out.append(text, last, text.length()).toString();
    }

    /**
     * Masks the values of headers whose names look like credentials: {@code Authorization},
     * {@code Proxy-Authorization}, {@code Cookie} and any name containing {@code token}, {@code key},
     * {@code secret}, {@code pass}, {@code pwd}, {@code pw}, {@code auth}, {@code sig} or
     * {@code credential}, in any case.
     *
     * @param headers header names and values, never {@literal null}
     * @return an unmodifiable copy in the same order, credential values replaced by {@value #MASK}
     */
    public static Map<String, String> headers(Map<String, String> headers) {
        Map<String, String> shown = new LinkedHashMap<>();
        headers.forEach((name, value) -> shown.put(name, isCredentialName(name) ? MASK : value));
        return Collections.unmodifiableMap(shown);
    }

    /**
     * @param name a header or config key name
     * @return whether a value under that name is probably a credential
     */
    public static boolean isCredentialName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (String word : CREDENTIAL_WORDS) {
            if (lower.contains(word)) {
                return true;
            }
        }
        return false;
    }

    /** {@code prefix} (the scheme and {@code //}), then the authority from {@code start} on, then the rest masked. */
    private static String hierarchical(String url, String prefix, int start) {
        int authorityEnd = indexOfAny(url, start, "/?#");
        int at = url.lastIndexOf('@', authorityEnd - 1);
        StringBuilder out = new StringBuilder(prefix);
        int hostStart = start;
        if (at >= start) {
            int colon = url.indexOf(':', start);
            if (colon >= 0 && colon < at) {
                out.append(url, start, colon + 1).append(colon + 1 == at ? "" : MASK);
            } else { // a userinfo with no password is how tokens travel (https://TOKEN@host): hidden whole
                out.append(at > start ? MASK : "");
            }
            out.append('@');
            hostStart = at + 1;
        }
        // the port follows the host's first ':' (an IPv6 literal's, after its ']'); anything odd after it is hidden
        int ipv6End = url.startsWith("[", hostStart) ? url.indexOf(']', hostStart) : -1;
        int portColon = url.indexOf(':', ipv6End >= 0 && ipv6End < authorityEnd ? ipv6End : hostStart);
        if (portColon >= 0 && portColon < authorityEnd) {
            String port = url.substring(portColon + 1, authorityEnd);
            // an '@' after the authority means a password may have ended it early: the "port" may be its start
            boolean shown = port.chars().allMatch(c -> c >= '0' && c <= '9') && (at >= start || url.indexOf('@', authorityEnd) < 0);
            out.append(url, hostStart, portColon + 1).append(shown || port.isEmpty() ? port : MASK);
        } else {
            out.append(url, hostStart, authorityEnd);
        }
        return out.append(pathQueryFragment(url, authorityEnd)).toString();
    }

    /** The path, query and fragment from {@code start} on, each masked when non-empty; a path keeps its leading '/'. */
    private static String pathQueryFragment(String url, int start) {
        StringBuilder out = new StringBuilder();
        int pathEnd = indexOfAny(url, start, "?#");
        if (pathEnd > start) {
            boolean slash = url.charAt(start) == '/';
            out.append(slash ? "/" : "").append(pathEnd - start > (slash ? 1 : 0) ? MASK : "");
        }
        if (pathEnd < url.length() && url.charAt(pathEnd) == '?') {
            int queryEnd = indexOfAny(url, pathEnd, "#");
            out.append('?').append(queryEnd > pathEnd + 1 ? MASK : "");
            pathEnd = queryEnd;
        }
        if (pathEnd < url.length()) {
            out.append('#').append(pathEnd + 1 < url.length() ? MASK : "");
        }
        return out.toString();
    }

    private static int indexOfAny(String text, int from, String chars) {
        for (int i = from; i < text.length(); i++) {
            if (chars.indexOf(text.charAt(i)) >= 0) {
                return i;
            }
        }
        return text.length();
    }
}
