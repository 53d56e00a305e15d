package io.streaminfer.tyrus;

import org.glassfish.grizzly.http.Method;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.HttpHandlerRegistration;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;
import org.glassfish.grizzly.http.server.ServerConfiguration;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Plain HTTP next to the WebSocket endpoint: class path files under {@code /} and small JSON
 * documents, read-only, with headers that keep a browser page on its own origin.
 *
 * @param loader    where static files come from, or {@literal null} for none
 * @param root      their class path folder
 * @param endpoints exact paths answered with JSON
 */
record HttpPages(ClassLoader loader, String root, Map<String, Supplier<String>> endpoints) {

    /** The page may load only its own files and talk only to its own server. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; connect-src 'self'; img-src 'self' blob: data:; "
            + "media-src 'self' blob: mediastream:; style-src 'self'; script-src 'self'; object-src 'none'; "
            + "frame-ancestors 'none'; base-uri 'none'";

    static void register(ServerConfiguration configuration, HttpPages pages) {
        pages.endpoints.forEach((path, json) -> configuration.addHttpHandler(new JsonHandler(json),
                HttpHandlerRegistration.builder().urlPattern(path).build()));
        if (pages.loader != null) {
            String folder = pages.root.replaceAll("^/+", ""); // ClassLoader paths have no leading slash
            String docRoot = folder.endsWith("/") ? folder : folder + "/";
            configuration.addHttpHandler(new ClassPathFiles(pages.loader, docRoot), "/");
        }
    }

    private static void secure(Response response) {
        response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("Cache-Control", "no-cache");
    }

    private static boolean readOnly(Request request, Response response) {
        if (request.getMethod() == Method.GET || request.getMethod() == Method.HEAD) {
            return true;
        }
        response.setStatus(405);
        response.setHeader("Allow", "GET, HEAD");
        return false;
    }

    /**
     * Files of one class path folder, by name: only plain names of the types below, so nothing
     * outside the folder (no "..", no class files) can be reached.
     */
    private static final class ClassPathFiles extends HttpHandler {
        private static final Pattern SAFE_PATH = Pattern.compile("/([A-Za-z0-9_-]+\\.)+(html|css|js|jpg|png|svg|json)");
        private static final Map<String, String> TYPES = Map.of(
                "html", "text/html; charset=utf-8", "css", "text/css; charset=utf-8",
                "js", "text/javascript; charset=utf-8", "json", "application/json",
                "jpg", "image/jpeg", "png", "image/png", "svg", "image/svg+xml");

        private final ClassLoader loader;
        private final String docRoot;

        ClassPathFiles(ClassLoader loader, String docRoot) {
            this.loader = loader;
            this.docRoot = docRoot;
        }

        @Override
        public void service(Request request, Response response) throws Exception {
            secure(response);
            if (!readOnly(request, response)) {
                return;
            }
            String path = request.getRequestURI();
            if ("/".equals(path)) {
                path = "/index.html";
            }
            byte[] body = null;
            if (SAFE_PATH.matcher(path).matches()) {
                try (InputStream in = loader.getResourceAsStream(docRoot + path.substring(1))) {
                    body = in == null ? null : in.readAllBytes();
                }
            }
            if (body == null) {
                response.sendError(404);
                return;
            }
            response.setContentType(TYPES.get(path.substring(path.lastIndexOf('.') + 1)));
            response.setContentLength(body.length);
            if (request.getMethod() == Method.GET) {
                response.getOutputStream().write(body);
            }
        }
    }

    /** One JSON document, made on each request. */
    private static final class JsonHandler extends HttpHandler {
        private final Supplier<String> json;

        JsonHandler(Supplier<String> json) {
            this.json = json;
        }

        @Override
        public void service(Request request, Response response) throws Exception {
            secure(response);
            if (!readOnly(request, response)) {
                return;
            }
            byte[] body = json.get().getBytes(StandardCharsets.UTF_8);
            response.setContentType("application/json");
            response.setCharacterEncoding("utf-8");
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
        }
    }
}
