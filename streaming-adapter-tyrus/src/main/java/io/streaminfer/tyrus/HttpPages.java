package io.streaminfer.tyrus;

import io.streaminfer.protocol.HttpContent;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.HttpHandlerRegistration;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;
import org.glassfish.grizzly.http.server.ServerConfiguration;


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
        java.util.List<String> authorization = new java.util.ArrayList<>();
        request.getHeaders("Authorization").forEach(authorization::add);
        HttpContent.Credentials credentials = new HttpContent.Credentials(authorization, request.getQueryString());
        content.serve(request.getMethod().getMethodString(), request.getRequestURI(), credentials, new HttpContent.Response() {
            @Override
            public void header(String name, String value) {
                response.setHeader(name, value);
            }

            @Override
            public void error(int status) throws java.io.IOException {
                response.sendError(status);
            }

            @Override
            public void page(String contentType, byte[] body, boolean withBody) throws java.io.IOException {
                response.setContentType(contentType);
                response.setContentLength(body.length);
                if (withBody) {
                    response.getOutputStream().write(body);
                }
            }
        });
    }
}
