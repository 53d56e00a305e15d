package io.streaminfer.app;

import io.streaminfer.protocol.SameOrigin;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * What every request that changes something on the management listener (POST, PUT, PATCH,
 * DELETE) must pass before it is dispatched, in every access mode: nothing a page of another site
 * can make a browser send. Without a token (a local, open listener) this is what keeps a web
 * page the operator opens from adding a source or reloading the pipelines through the operator's
 * browser; with one it costs a script nothing.
 *
 * <ul>
 *   <li>403 {@code cross_site} when {@code Origin} is present and is not the listener's own (the
 *       request's {@code Host}; {@code Origin: null} is foreign), or when {@code Sec-Fetch-Site}
 *       is present and is neither {@code same-origin} nor {@code none}. Browsers send
 *       {@code Origin} on every cross-origin POST and DELETE; tools send neither header.</li>
 *   <li>415 {@code unsupported_media_type} when the request carries a body or a
 *       {@code Content-Type} that is not {@code application/json} (parameters such as
 *       {@code charset} allowed). A page of another site can only send JSON after a CORS
 *       preflight, and the listener answers preflights without any {@code Access-Control-Allow-*}
 *       header, so the browser never sends the request itself. A request with neither a body nor
 *       a {@code Content-Type} ({@code curl -X POST .../pipelines/reload}) passes.</li>
 * </ul>
 * The details never repeat the request's headers.
 */
final class CrossSiteGuard {

    private static final String JSON = "application/json";

    private CrossSiteGuard() {
    }

    /**
     * @param method the request's method
     * @return whether requests with this method must pass {@link #check}
     */
    static boolean mutating(String method) {
        return switch (method) {
            case "POST", "PUT", "PATCH", "DELETE" -> true;
            default -> false;
        };
    }

    /**
     * @param headers a request header's values by name (any case); an empty list when absent, never {@literal null}
     * @return why the request is refused, or empty when it may go on; never {@literal null}
     */
    static Optional<Refusal> check(Function<String, List<String>> headers) {
        List<String> origins = headers.apply("Origin");
        List<String> hosts = headers.apply("Host");
        if (origins.size() > 1 || origins.size() == 1
                && !SameOrigin.matches(origins.get(0), hosts.size() == 1 ? hosts.get(0) : null)) {
            return Optional.of(crossSite("it came from a page of another site (its Origin is not this listener's own)"));
        }
        for (String site : headers.apply("Sec-Fetch-Site")) {
            String value = site.trim().toLowerCase(Locale.ROOT);
            if (!value.equals("same-origin") && !value.equals("none")) {
                return Optional.of(crossSite("the browser says it came from another site (Sec-Fetch-Site)"));
            }
        }
        List<String> types = headers.apply("Content-Type");
        if (types.size() > 1 || types.size() == 1 && !json(types.get(0))) {
            return Optional.of(unsupported());
        }
        if (types.isEmpty() && hasBody(headers)) {
            return Optional.of(unsupported());
        }
        return Optional.empty();
    }

    private static boolean json(String contentType) {
        int parameters = contentType.indexOf(';');
        String type = (parameters < 0 ? contentType : contentType.substring(0, parameters)).trim();
        return type.equalsIgnoreCase(JSON);
    }

    private static boolean hasBody(Function<String, List<String>> headers) {
        if (!headers.apply("Transfer-Encoding").isEmpty()) {
            return true;
        }
        for (String length : headers.apply("Content-Length")) {
            if (!length.trim().equals("0")) {
                return true;
            }
        }
        return false;
    }

    private static Refusal crossSite(String why) {
        return new Refusal(403, "cross_site", "refused because " + why + ": changes are taken from tools and scripts"
                + " (curl, the CLI), not from web pages");
    }

    private static Refusal unsupported() {
        return new Refusal(415, "unsupported_media_type", "send the body as JSON with 'Content-Type: application/json'"
                + " (a request without a body needs no Content-Type)");
    }

    /**
     * A refused request.
     *
     * @param status the HTTP status
     * @param error  the {@code error} code of the JSON answer
     * @param detail a sentence for humans
     */
    record Refusal(int status, String error, String detail) {
    }
}
