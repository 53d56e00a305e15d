package io.streaminfer.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Plain HTTP next to the WebSocket endpoint, container-neutral: read-only files of one class
 * path folder under {@code /} and small JSON documents at exact paths, with headers that keep a
 * browser page on its own origin. Documents named in {@link #withTokenFor} need the stream token
 * when one is configured, presented as a stream handshake presents it ({@code Authorization:
 * Bearer}, or the {@code access_token} / {@code api_key} query parameter); 401 otherwise. Each
 * container adapter maps its requests onto {@link #serve}.
 */
public final class HttpContent {

    /** The page may load only its own files and talk only to its own server. */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; connect-src 'self'; img-src 'self' blob: data:; "
            + "media-src 'self' blob: mediastream:; style-src 'self'; script-src 'self'; object-src 'none'; "
            + "frame-ancestors 'none'; base-uri 'none'";

    /** Headers every answer carries, error answers included. */
    public static final Map<String, String> SECURITY_HEADERS = Map.of(
            "Content-Security-Policy", CONTENT_SECURITY_POLICY,
            "X-Content-Type-Options", "nosniff",
            "Referrer-Policy", "no-referrer",
            "Cache-Control", "no-cache");

    /** Only plain names of these types, so nothing outside the folder (no "..", no class files) can be reached. */
    private static final Pattern SAFE_PATH = Pattern.compile("/([A-Za-z0-9_-]+\\.)+(html|css|js|jpg|png|svg|json)");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8", "css", "text/css; charset=utf-8",
            "js", "text/javascript; charset=utf-8", "json", "application/json",
            "jpg", "image/jpeg", "png", "image/png", "svg", "image/svg+xml");
    private static final String JSON = "application/json; charset=utf-8";

    private final ClassLoader loader;
    private final String docRoot;
    private final Map<String, Supplier<String>> documents;
    private final Set<String> guarded;
    private final AccessPolicy access;

    private HttpContent(ClassLoader loader, String docRoot, Map<String, Supplier<String>> documents) {
        this(loader, docRoot, documents, Set.of(), AccessPolicy.open());
    }

    private HttpContent(ClassLoader loader, String docRoot, Map<String, Supplier<String>> documents, Set<String> guarded,
                        AccessPolicy access) {
        this.loader = loader;
        this.docRoot = docRoot;
        this.documents = Map.copyOf(documents);
        this.guarded = Set.copyOf(guarded);
        this.access = access;
    }

    /** @return content with nothing in it: every path is 404 */
    public static HttpContent none() {
        return new HttpContent(null, null, Map.of());
    }

    /**
     * @param loader       where static files come from, or {@literal null} for none
     * @param resourceRoot their class path folder, e.g. {@code io/streaminfer/console/}
     * @param documents    exact paths answered with a JSON document made on each request
     * @return the content
     */
    public static HttpContent of(ClassLoader loader, String resourceRoot, Map<String, Supplier<String>> documents) {
        Objects.requireNonNull(documents, "documents");
        if (loader == null) {
            return new HttpContent(null, null, documents);
        }
        String folder = Objects.requireNonNull(resourceRoot, "resourceRoot").replaceAll("^/+", "");
        return new HttpContent(loader, folder.endsWith("/") ? folder : folder + "/", new LinkedHashMap<>(documents));
    }

    /**
     * @param paths  exact paths of documents that need the stream token (those that name the
     *               server's sources, say)
     * @param access the policy whose token they need; with no token configured they stay open
     * @return a copy in which those documents answer 401 unless the request presents the token
     * @throws IllegalArgumentException when a path is not one of the documents
     */
    public HttpContent withTokenFor(Set<String> paths, AccessPolicy access) {
        Objects.requireNonNull(access, "access");
        for (String path : paths) {
            if (!documents.containsKey(path)) {
                throw new IllegalArgumentException("no document at " + path + "; documents: " + documents.keySet());
            }
        }
        return new HttpContent(loader, docRoot, documents, paths, access);
    }

    /** @return whether a static folder is served */
    public boolean servesFiles() {
        return loader != null;
    }

    /** @return the exact paths of the JSON documents */
    public java.util.Set<String> documentPaths() {
        return documents.keySet();
    }

    /**
     * @param method the request's method
     * @return whether the method may be answered ({@code GET} or {@code HEAD}); answer others with
     *         405 and {@code Allow: GET, HEAD}
     */
    public static boolean readOnly(String method) {
        return "GET".equals(method) || "HEAD".equals(method);
    }

    /**
     * @param path the request path, without the query
     * @return the answer for the path, or empty for 404
     */
    public Optional<Page> resolve(String path) {
        Supplier<String> document = documents.get(path);
        if (document != null) {
            return Optional.of(new Page(JSON, document.get().getBytes(StandardCharsets.UTF_8)));
        }
        if (loader == null) {
            return Optional.empty();
        }
        String file = "/".equals(path) ? "/index.html" : path;
        if (!SAFE_PATH.matcher(file).matches()) {
            return Optional.empty();
        }
        try (InputStream in = loader.getResourceAsStream(docRoot + file.substring(1))) {
            return in == null ? Optional.empty()
                    : Optional.of(new Page(TYPES.get(file.substring(file.lastIndexOf('.') + 1)), in.readAllBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + docRoot + file.substring(1), e);
        }
    }

    /**
     * Answers one request: the security headers always, 405 for other methods than GET and HEAD,
     * 401 with {@code WWW-Authenticate: Bearer} for a document that needs the token the request
     * does not present, 404 for unknown paths, else the page (its body left out for HEAD).
     *
     * @param method      the request's method
     * @param path        the request path, without the query
     * @param credentials what the request presents that may hold the token
     * @param response    the container's response
     * @throws IOException when the body cannot be written
     */
    public void serve(String method, String path, Credentials credentials, Response response) throws IOException {
        SECURITY_HEADERS.forEach(response::header);
        if (!readOnly(method)) {
            response.header("Allow", "GET, HEAD");
            response.error(405);
            return;
        }
        if (guarded.contains(path) && !credentials.satisfy(access)) {
            response.header("WWW-Authenticate", "Bearer");
            response.error(401);
            return;
        }
        Optional<Page> page = resolve(path);
        if (page.isEmpty()) {
            response.error(404);
            return;
        }
        response.page(page.get().contentType(), page.get().body(), !"HEAD".equals(method));
    }

    /**
     * What a request presents that may hold the stream token.
     *
     * @param authorization its {@code Authorization} header values, in order; empty for none
     * @param query         its query as sent (still URL-encoded, without {@code ?}), or {@literal null}
     */
    public record Credentials(List<String> authorization, String query) {

        /** Copies the header values. */
        public Credentials {
            authorization = authorization == null ? List.of() : List.copyOf(authorization);
        }

        /** @return whether these credentials hold the policy's token (always, when it needs none) */
        boolean satisfy(AccessPolicy access) {
            if (!access.tokenRequired()) {
                return true;
            }
            return access.authorized(Map.of("Authorization", authorization), parameters());
        }

        /** The query's parameters; a query that does not decode presents none. */
        private Map<String, List<String>> parameters() {
            Map<String, List<String>> parameters = new LinkedHashMap<>();
            if (query == null || query.isEmpty()) {
                return parameters;
            }
            try {
                for (String pair : query.split("&")) {
                    int equals = pair.indexOf('=');
                    String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
                    String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
                    parameters.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
                }
            } catch (IllegalArgumentException e) {
                return Map.of(); // a broken escape: no token can be read from it
            }
            return parameters;
        }
    }

    /** What {@link #serve} needs of a container's response. */
    public interface Response {
        /**
         * @param name  a header name
         * @param value its value
         */
        void header(String name, String value);

        /**
         * @param status an error status, sent with the container's error body
         * @throws IOException when it cannot be sent
         */
        void error(int status) throws IOException;

        /**
         * @param contentType the {@code Content-Type}
         * @param body        the bytes ({@code Content-Length} is their length)
         * @param withBody    false for HEAD: headers only
         * @throws IOException when it cannot be written
         */
        void page(String contentType, byte[] body, boolean withBody) throws IOException;
    }

    /**
     * One answer.
     *
     * @param contentType its {@code Content-Type}
     * @param body        its bytes
     */
    public record Page(String contentType, byte[] body) {
    }
}
