package io.streaminfer.tyrus;

import io.streaminfer.websocket.HttpContent;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.HttpHandlerRegistration;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;
import org.glassfish.grizzly.http.server.ServerConfiguration;

import java.util.Optional;

/** {@link HttpContent} on Grizzly: plain HTTP next to the WebSocket endpoint. */
final class HttpPages extends HttpHandler {

    private final HttpContent content;

    private HttpPages(HttpContent content) {
        this.content = content;
    }

    static void register(ServerConfiguration configuration, HttpContent content) {
        HttpPages pages = new HttpPages(content);
        content.documentPaths().forEach(path ->
                configuration.addHttpHandler(pages, HttpHandlerRegistration.builder().urlPattern(path).build()));
        if (content.servesFiles()) {
            configuration.addHttpHandler(pages, "/");
        }
    }

    @Override
    public void service(Request request, Response response) throws Exception {
        HttpContent.SECURITY_HEADERS.forEach(response::setHeader);
        if (!HttpContent.readOnly(request.getMethod().getMethodString())) {
            response.setStatus(405);
            response.setHeader("Allow", "GET, HEAD");
            return;
        }
        Optional<HttpContent.Page> page = content.resolve(request.getRequestURI());
        if (page.isEmpty()) {
            response.sendError(404);
            return;
        }
        response.setContentType(page.get().contentType());
        response.setContentLength(page.get().body().length);
        if (!"HEAD".equals(request.getMethod().getMethodString())) {
            response.getOutputStream().write(page.get().body());
        }
    }
}
