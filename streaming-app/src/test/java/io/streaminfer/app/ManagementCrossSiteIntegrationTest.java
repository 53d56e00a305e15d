package io.streaminfer.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streaminfer.tck.Timeouts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The management listener in its open mode (loopback, no token: what its own 403 recommends)
 * against requests shaped exactly as a browser sends them from a page of another site: raw HTTP
 * on a socket, with the {@code Origin}, {@code Sec-Fetch-*} and {@code Content-Type} headers a
 * browser adds to a form post or a no-cors {@code fetch}, and the {@code Host} of a page that
 * rebound its name to 127.0.0.1. None may add a source or reload the pipelines; tools (no Origin)
 * and the listener's own origin keep working, and a CORS preflight never gets an
 * {@code Access-Control-Allow-*} header.
 */
class ManagementCrossSiteIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EVIL = "http://evil.example";
    private static final String BEFORE = "{\"before\": {\"steps\": [{\"step\": \"noop\"}]}}";
    private static final String AFTER = "{\"after\": {\"steps\": [{\"step\": \"noop\"}]}}";

    private Path pipelinesFile;
    private StreamingServer server;

    @BeforeEach
    void start(@TempDir Path dir) throws IOException {
        pipelinesFile = Files.writeString(dir.resolve("pipelines.json"), BEFORE);
        server = TestServers.start(Map.of("STREAM_PIPELINES", pipelinesFile.toString()));
        assertThat(server.settings().management().tokenRequired()).as("open mode: no management token").isFalse();
        Files.writeString(pipelinesFile, AFTER); // a reload would now swap "before" for "after"
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** A source definition; the camera need not answer for the source to be added. */
    private static String definition(String id) {
        return "{\"id\": \"" + id + "\", \"url\": \"http://127.0.0.1:1/video.mjpg\", \"pipeline_id\": \"before\", \"fps\": 1}";
    }

    @Test
    @DisplayName("POST /sources from another site's page (Origin evil, text/plain, as a no-cors fetch sends it): 403 cross_site, nothing added")
    void crossSiteSourceIsRefused() throws IOException {
        Answer answer = send("POST", "/sources", definition("evil"), "Origin: " + EVIL,
                "Content-Type: text/plain;charset=UTF-8", "Sec-Fetch-Site: cross-site", "Sec-Fetch-Mode: no-cors");

        assertThat(answer.status()).as(answer.text()).isEqualTo(403);
        assertThat(answer.json().get("error").asText()).isEqualTo("cross_site");
        assertThat(answer.json().get("detail").asText()).doesNotContain("evil.example");
        assertThat(server.sources().ids()).isEmpty();
    }

    @Test
    @DisplayName("even as JSON, with a foreign Origin or only Sec-Fetch-Site: cross-site, a source is refused 403")
    void crossSiteJsonIsRefused() throws IOException {
        for (String[] headers : List.of(
                new String[] {"Origin: " + EVIL, "Content-Type: application/json"},
                new String[] {"Origin: null", "Content-Type: application/json"},
                new String[] {"Origin: http://127.0.0.1:" + (server.managementPort() == 1 ? 2 : 1), "Content-Type: application/json"},
                new String[] {"Sec-Fetch-Site: cross-site", "Content-Type: application/json"},
                new String[] {"Sec-Fetch-Site: same-site", "Content-Type: application/json"})) {
            Answer answer = send("POST", "/sources", definition("evil"), headers);

            assertThat(answer.status()).as(String.join(", ", headers)).isEqualTo(403);
        }
        assertThat(server.sources().ids()).isEmpty();
    }

    @Test
    @DisplayName("a form's content types (urlencoded, multipart, text/plain) or a body with no type, from no Origin at all: 415, nothing added")
    void formTypesAreRefused() throws IOException {
        for (String type : List.of("application/x-www-form-urlencoded", "multipart/form-data; boundary=b", "text/plain")) {
            Answer answer = send("POST", "/sources", definition("form"), "Content-Type: " + type);

            assertThat(answer.status()).as(type).isEqualTo(415);
            assertThat(answer.json().get("error").asText()).isEqualTo("unsupported_media_type");
        }
        assertThat(send("POST", "/sources", definition("untyped")).status()).as("no Content-Type").isEqualTo(415);
        assertThat(server.sources().ids()).isEmpty();
    }

    @Test
    @DisplayName("JSON from a tool (no Origin) or from the listener's own origin is still added: 201; DELETE the same way: 204")
    void toolsAndOwnOriginStillWork() throws IOException {
        assertThat(send("POST", "/sources", definition("tool"), "Content-Type: application/json").status()).isEqualTo(201);
        String own = "Origin: http://127.0.0.1:" + server.managementPort();
        assertThat(send("POST", "/sources", definition("own"), own, "Sec-Fetch-Site: same-origin",
                "Content-Type: application/json; charset=utf-8").status()).isEqualTo(201);
        assertThat(server.sources().ids()).containsExactlyInAnyOrder("tool", "own");

        assertThat(send("DELETE", "/sources/tool", null, "Origin: " + EVIL).status()).isEqualTo(403);
        assertThat(send("DELETE", "/sources/tool", null).status()).isEqualTo(204);
        assertThat(server.sources().ids()).containsExactly("own");
    }

    @Test
    @DisplayName("POST /pipelines/reload from another site's page (text/plain or a form): 403/415, not reloaded; curl -X POST still reloads")
    void crossSiteReloadIsRefused() throws IOException {
        Answer crossSite = send("POST", "/pipelines/reload", "x", "Origin: " + EVIL, "Content-Type: text/plain;charset=UTF-8",
                "Sec-Fetch-Site: cross-site");
        assertThat(crossSite.status()).as(crossSite.text()).isEqualTo(403);
        assertThat(send("POST", "/pipelines/reload", "a=b", "Content-Type: application/x-www-form-urlencoded").status()).isEqualTo(415);
        assertThat(server.pipelineIds()).as("not reloaded").containsExactly("before");

        Answer curl = send("POST", "/pipelines/reload", null); // curl -X POST: no body, no Content-Type
        assertThat(curl.status()).as(curl.text()).isEqualTo(200);
        assertThat(server.pipelineIds()).containsExactly("after");
        assertThat(send("POST", "/pipelines/reload", "{}", "Content-Type: application/json").status()).isEqualTo(200);
    }

    @Test
    @DisplayName("DNS rebinding: a page whose own name points at 127.0.0.1 is same-origin to the browser, but its Host is refused 403 in the open mode")
    void rebindingIsRefused() throws IOException {
        String rebound = "evil.example:" + server.managementPort();
        Answer add = sendTo(rebound, "POST", "/sources", definition("rebound"), "Origin: http://" + rebound,
                "Sec-Fetch-Site: same-origin", "Content-Type: application/json");
        assertThat(add.status()).as(add.text()).isEqualTo(403);
        assertThat(add.json().get("detail").asText()).contains("127.0.0.1", "localhost").doesNotContain("evil.example");
        assertThat(sendTo(rebound, "GET", "/sessions", null).status()).as("client addresses").isEqualTo(403);
        assertThat(sendTo(rebound, "POST", "/pipelines/reload", null).status()).isEqualTo(403);
        assertThat(server.sources().ids()).isEmpty();
        assertThat(server.pipelineIds()).containsExactly("before");

        assertThat(sendTo(rebound, "GET", "/health", null).status()).as("probes answer any name").isEqualTo(200);
        assertThat(sendTo("localhost:" + server.managementPort(), "GET", "/sessions", null).status()).isEqualTo(200);
        assertThat(sendTo("[::1]:" + server.managementPort(), "GET", "/sessions", null).status()).isEqualTo(200);
    }

    @Test
    @DisplayName("a CORS preflight gets 405 and no Access-Control-Allow-* header, on every path")
    void preflightIsRefused() throws IOException {
        for (String path : List.of("/sources", "/sources/x", "/pipelines/reload", "/health")) {
            Answer answer = send("OPTIONS", path, null, "Origin: " + EVIL, "Access-Control-Request-Method: POST",
                    "Access-Control-Request-Headers: content-type");

            assertThat(answer.status()).as(path).isIn(403, 405);
            assertThat(answer.head().toLowerCase(Locale.ROOT)).as(path).doesNotContain("access-control-allow");
        }
    }

    /** An answer as read off the socket. */
    private record Answer(int status, String head, String text) {
        JsonNode json() throws IOException {
            return JSON.readTree(text);
        }
    }

    /** Sends one request as a browser would frame it (HTTP/1.1, Host of the listener), on its own connection. */
    private Answer send(String method, String path, String body, String... headers) throws IOException {
        return sendTo("127.0.0.1:" + server.managementPort(), method, path, body, headers);
    }

    /** The same, addressed to {@code host} as a browser names it in the {@code Host} header. */
    private Answer sendTo(String host, String method, String path, String body, String... headers) throws IOException {
        StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: " + host
                + "\r\nUser-Agent: Mozilla/5.0\r\nAccept: */*\r\nConnection: close\r\n");
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            request.append("Content-Length: ").append(bytes.length).append("\r\n");
        }
        request.append("\r\n");
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", server.managementPort()), (int) Timeouts.CONNECT.toMillis());
            socket.setSoTimeout((int) Timeouts.ANSWER.toMillis());
            socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            String answer = readToEnd(socket.getInputStream());
            int split = answer.indexOf("\r\n\r\n");
            assertThat(split).as("a whole answer: " + answer).isPositive();
            return new Answer(Integer.parseInt(answer.substring(9, 12)), answer.substring(0, split), answer.substring(split + 4));
        }
    }

    private static String readToEnd(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        in.transferTo(bytes);
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
