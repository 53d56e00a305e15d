package io.streaminfer.protocol;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Hides credentials in what sinks and sources log and describe: the password of a URL's userinfo, query
 * parameters and header values whose names look like credentials. Redaction works on the text
 * alone (it never fails, even on a malformed URL) and errs towards hiding too much.
 */
public final class Redaction {

    /** What a hidden value is replaced with. */
    public static final String MASK = "***";

    private static final String[] CREDENTIAL_WORDS = {"auth", "token", "key", "secret", "password", "passwd",
        "cookie", "signature", "sig", "credential"};

    private Redaction() {
    }

    /**
     * Hides the password of a URL's userinfo and the values of its credential query parameters:
     * {@code tcp://user:secret@host:1883} becomes {@code tcp://user:***@host:1883},
     * {@code https://host/hook?token=abc&team=red} becomes {@code https://host/hook?token=***&team=red}.
     * A secret written in the path (some chat webhooks do that) cannot be recognised and stays.
     *
     * @param url a URL, possibly malformed, possibly {@literal null}
     * @return the URL with credentials masked; {@code ""} for {@literal null}, never {@literal null}
     */
    public static String url(String url) {
        if (url == null) {
            return "";
        }
        int schemeEnd = url.indexOf("://");
        int authorityStart = schemeEnd < 0 ? 0 : schemeEnd + 3;
        int queryStart = indexOfAny(url, authorityStart, '?', '#');
        int fragmentStart = url.indexOf('#', authorityStart);
        StringBuilder out = new StringBuilder(url.length());
        // The last '@' before the query ends the userinfo, even if a password holds an unescaped '/' or '@'.
        int at = url.lastIndexOf('@', queryStart - 1);
        if (at >= authorityStart) {
            int colon = url.indexOf(':', authorityStart);
            if (colon >= 0 && colon < at) {
                out.append(url, 0, colon + 1).append(MASK).append(url, at, queryStart);
            } else {
                out.append(url, 0, queryStart);
            }
        } else {
            out.append(url, 0, queryStart);
        }
        if (queryStart < url.length() && url.charAt(queryStart) == '?') {
            int queryEnd = fragmentStart > queryStart ? fragmentStart : url.length();
            out.append('?').append(query(url.substring(queryStart + 1, queryEnd)));
            out.append(url, queryEnd, url.length());
        } else {
            out.append(url, queryStart, url.length());
        }
        return out.toString();
    }

    /**
     * Masks the values of headers whose names look like credentials: {@code Authorization},
     * {@code Proxy-Authorization}, {@code Cookie} and any name containing {@code token}, {@code key},
     * {@code secret}, {@code password}, {@code auth} or {@code signature}, in any case.
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
     * @param name a header or query parameter name
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

    private static String query(String query) {
        StringBuilder out = new StringBuilder(query.length());
        String[] parameters = query.split("&", -1);
        for (int i = 0; i < parameters.length; i++) {
            String parameter = parameters[i];
            if (i > 0) {
                out.append('&');
            }
            int equals = parameter.indexOf('=');
            if (equals >= 0 && isCredentialName(parameter.substring(0, equals))) {
                out.append(parameter, 0, equals + 1).append(MASK);
            } else {
                out.append(parameter);
            }
        }
        return out.toString();
    }

    private static int indexOfAny(String text, int from, char first, char second) {
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == first || c == second) {
                return i;
            }
        }
        return text.length();
    }
}
