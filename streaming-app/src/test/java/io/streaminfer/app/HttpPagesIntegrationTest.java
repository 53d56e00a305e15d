package io.streaminfer.app;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The plain HTTP next to the stream endpoint (the console's files, /api/pipelines, /api/sources) answers alike in every runtime. */
@ParameterizedClass(name = "on {0}")
@EnumSource(ServerSettings.Transport.class)
class HttpPagesIntegrationTest {

    /**
     * HTTP/1.1 as browsers send it: the JDK client's default also offers an h2c upgrade, and
     * Grizzly (the Tyrus runtime) answers requests with any Upgrade header without Content-Type.
     */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Parameter
    ServerSettings.Transport transport;

    private StreamingServer server;

    @BeforeEach
    void start() {
        server = TestServers.start(transport, Map.of());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> request(String method, String path) throws Exception {
        return request(server, method, path);
    }

    private static HttpResponse<String> request(StreamingServer server, String method, String path, String... headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @DisplayName("the console page and its script, with a strict Content-Security-Policy; HEAD has no body")
    void consoleFiles() throws Exception {
        HttpResponse<String> page = request("GET", "/");
        HttpResponse<String> script = request("GET", "/console.js");
        HttpResponse<String> head = request("HEAD", "/");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
                csp -> assertThat(csp).contains("default-src 'self'", "frame-ancestors 'none'"));
        assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(page.body()).contains("<html");
        assertThat(script.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/javascript"));
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        // Grizzly leaves Content-Length out of HEAD answers; when there, it is the page's length
        head.headers().firstValueAsLong("Content-Length").ifPresent(length ->
                assertThat(length).isEqualTo(page.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length));
    }

    @Test
    @DisplayName("/api/pipelines lists the pipelines as JSON")
    void pipelinesDocument() throws Exception {
        HttpResponse<String> pipelines = request("GET", "/api/pipelines");

        assertThat(pipelines.statusCode()).isEqualTo(200);
        assertThat(pipelines.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(pipelines.body()).contains("\"noop\"", "\"delay\"");
    }

    @Test
    @DisplayName("other methods are 405 with Allow; paths outside the folder and unknown files are 404, with the security headers")
    void refusals() throws Exception {
        HttpResponse<String> post = request("POST", "/");

        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
        for (String path : new String[] {"/../pom.xml", "/%2e%2e/pom.xml", "/StreamingServer.class", "/nothing.html", "/logback.xml"}) {
            HttpResponse<String> missing = request("GET", path);
            assertThat(missing.statusCode()).as(path).isIn(400, 404);
            assertThat(missing.body()).as(path).doesNotContain("<configuration>");
        }
        assertThat(request("GET", "/nothing.html").headers().firstValue("Content-Security-Policy")).isPresent();
    }

    @Test
    @DisplayName("with STREAM_AUTH_TOKEN, /api/sources needs the token as a stream handshake takes it (Bearer, access_token, api_key): 401 without")
    void sourcesNeedTheStreamToken() throws Exception {
        String token = "pages-token-3b9f1d27c4e8a605";
        assertThat(request("GET", "/api/sources").statusCode()).as("no token configured").isEqualTo(200);
        try (StreamingServer guarded = TestServers.start(transport, Map.of("STREAM_AUTH_TOKEN", token))) {
            HttpResponse<String> anonymous = request(guarded, "GET", "/api/sources");
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
            assertThat(anonymous.body()).doesNotContain(token);
            assertThat(request(guarded, "HEAD", "/api/sources").statusCode()).isEqualTo(401);
            assertThat(request(guarded, "GET", "/api/sources", "Authorization", "Bearer " + token + "x").statusCode()).isEqualTo(401);
            assertThat(request(guarded, "GET", "/api/sources", "Authorization", "Basic " + token).statusCode()).isEqualTo(401);
            assertThat(request(guarded, "GET", "/api/sources?access_token=" + token.substring(1)).statusCode()).isEqualTo(401);

            for (HttpResponse<String> allowed : List.of(
                    request(guarded, "GET", "/api/sources", "Authorization", "Bearer " + token),
                    request(guarded, "GET", "/api/sources?access_token=" + token.replace("-", "%2D")),
                    request(guarded, "GET", "/api/sources?frames=1&api_key=" + token))) {
                assertThat(allowed.statusCode()).as(allowed.uri().toString()).isEqualTo(200);
                assertThat(allowed.body()).isEqualTo("[]");
            }
            // the console and the pipeline list stay open: the page must load to ask for the token
            assertThat(request(guarded, "GET", "/").statusCode()).isEqualTo(200);
            assertThat(request(guarded, "GET", "/api/pipelines").statusCode()).isEqualTo(200);
        }
    }
}
