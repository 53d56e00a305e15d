package io.streaminfer.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streaminfer.tck.Timeouts;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The management listener of the real app on ephemeral ports, against clients that misbehave:
 * idle and half-sent connections, missing tokens, odd requests. Probes must keep answering, and
 * nothing about the server or the request leaks into an answer.
 */
class ManagementListenerIntegrationTest {

    private static final String TOKEN = "management-token-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Timeouts.CONNECT).build();

    @Test
    @DisplayName("100 idle or half-sent connections held open: /health and /ready still answer 200, and the listener closes them itself")
    void probesSurviveIdleConnections() throws Exception {
        try (StreamingServer server = TestServers.start(Map.of())) {
            List<Socket> held = new ArrayList<>();
            try {
                for (int i = 0; i < 100; i++) {
                    Socket socket = connect(server);
                    held.add(socket);
                    OutputStream out = socket.getOutputStream();
                    switch (i % 3) {
                        case 0 -> { } // connects and says nothing
                        case 1 -> out.write("GET /health HTT".getBytes(StandardCharsets.US_ASCII));
                        default -> out.write("GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
                    }
                    out.flush();
                }

                for (int round = 0; round < 3; round++) {
                    assertThat(get(server, "/health", null).statusCode()).isEqualTo(200);
                    assertThat(get(server, "/ready", null).statusCode()).isEqualTo(200);
                }
                assertThat(get(server, "/metrics", null).body()).contains("stream_workers_busy");

                // none of them ever completes a request, so the idle timeout ends every one
                for (Socket socket : held) {
                    socket.setSoTimeout((int) Timeouts.CLOSE.toMillis() * 2);
                    assertThat(readToEnd(socket.getInputStream())).doesNotContain("200 OK");
                }
            } finally {
                for (Socket socket : held) {
                    socket.close();
                }
            }
        }
    }

    @Test
    @DisplayName("a client that trickles one byte a second (never idle) is cut when its connection's lifetime ends")
    void tricklingClientIsCut() throws Exception {
        try (StreamingServer server = TestServers.start(Map.of()); Socket socket = connect(server)) {
            OutputStream out = socket.getOutputStream();
            byte[] request = "GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".getBytes(StandardCharsets.US_ASCII);
            long deadline = System.nanoTime() + ManagementServer.CONNECTION_LIFETIME.plusSeconds(20).toNanos(); // failure bound
            boolean cut = false;
            for (int i = 0; i < request.length * 100 && !cut; i++) {
                try {
                    out.write(request[i % request.length]);
                    out.flush();
                } catch (java.io.IOException e) {
                    cut = true; // the server closed the connection
                    break;
                }
                socket.setSoTimeout(1000); // a byte a second: never idle for the 5 s idle timeout
                try {
                    cut = socket.getInputStream().read() < 0;
                } catch (java.net.SocketTimeoutException e) {
                    // nothing to read yet: keep trickling
                } catch (java.io.IOException e) {
                    cut = true;
                }
                assertThat(System.nanoTime()).as("the trickling connection is still open").isLessThan(deadline);
            }
            assertThat(cut).isTrue();
            assertThat(get(server, "/health", null).statusCode()).isEqualTo(200);
        }
    }

    @Test
    @DisplayName("more idle connections than the listener's limit: probes still get through once idle ones are cut")
    void connectionLimitCutsIdleConnections() throws Exception {
        try (StreamingServer server = TestServers.start(Map.of())) {
            List<Socket> held = new ArrayList<>();
            try {
                for (int i = 0; i < ManagementServer.MAX_CONNECTIONS + 40; i++) {
                    held.add(connect(server));
                }
                assertThat(get(server, "/health", null).statusCode()).isEqualTo(200);
            } finally {
                for (Socket socket : held) {
                    socket.close();
                }
            }
        }
    }

    @Test
    @DisplayName("with STREAM_MANAGEMENT_TOKEN, /sessions needs it (401 without, 401 wrong, 200 right); probes stay open")
    void sessionsNeedTheManagementToken() throws Exception {
        try (StreamingServer server = TestServers.start(Map.of("STREAM_MANAGEMENT_TOKEN", TOKEN))) {
            HttpResponse<String> anonymous = get(server, "/sessions", null);
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
            assertThat(anonymous.body()).doesNotContain(TOKEN);
            assertThat(get(server, "/sessions", "Bearer management-token-012345678X").statusCode()).isEqualTo(401);
            assertThat(get(server, "/sessions", "Basic " + TOKEN).statusCode()).isEqualTo(401);

            HttpResponse<String> allowed = get(server, "/sessions", "Bearer " + TOKEN);
            assertThat(allowed.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(allowed.body()).isArray()).isTrue();

            for (String open : List.of("/health", "/ready", "/metrics", "/pipelines")) {
                assertThat(get(server, open, null).statusCode()).as(open).isEqualTo(200);
            }
        }
    }

    @Test
    @DisplayName("STREAM_AUTH_TOKEN without a management token: /sessions is 403 and says which variable to set")
    void streamTokenClosesSessions() throws Exception {
        try (StreamingServer server = TestServers.start(Map.of("STREAM_AUTH_TOKEN", "stream-token-0123456789"))) {
            HttpResponse<String> response = get(server, "/sessions", "Bearer stream-token-0123456789");

            assertThat(response.statusCode()).isEqualTo(403);
            JsonNode body = JSON.readTree(response.body());
            assertThat(body.get("error").asText()).isEqualTo("forbidden");
            assertThat(body.get("detail").asText()).contains("STREAM_MANAGEMENT_TOKEN");
            assertThat(get(server, "/ready", null).statusCode()).isEqualTo(200);
        }
    }

    @Test
    @DisplayName("no Server or X-Powered-By header on answers, errors, or a malformed request")
    void noServerHeader() throws Exception {
        try (StreamingServer server = TestServers.start(Map.of())) {
            for (String path : List.of("/health", "/metrics", "/nope")) {
                HttpResponse<String> response = get(server, path, null);
                assertThat(response.headers().firstValue("Server")).as(path).isEmpty();
                assertThat(response.headers().firstValue("X-Powered-By")).as(path).isEmpty();
            }
            String malformed = raw(server, "GET /health HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n");
            assertThat(malformed).startsWith("HTTP/1.1 400");
            assertThat(malformed.toLowerCase(java.util.Locale.ROOT)).doesNotContain("server:", "jetty", "x-powered-by");
        }
    }

    @Test
    @DisplayName("error pages never repeat the request: neither the path nor an access_token in the query")
    void errorPagesDoNotEchoTheRequest() throws Exception {
        try (StreamingServer server = TestServers.start(Map.of())) {
            HttpResponse<String> notFound = get(server, "/nope?access_token=secret123", null);
            assertThat(notFound.statusCode()).isEqualTo(404);
            assertThat(notFound.body()).doesNotContain("secret123", "/nope");
            assertThat(notFound.headers().map().toString()).doesNotContain("secret123", "/nope");

            for (String request : List.of(
                    "GET /nope?access_token=secret123 HTTP/1.1\r\nHost: x\r\nBroken header\r\n\r\n",
                    "GET /nope?access_token=secret123&" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n",
                    "GET /nope?access_token=secret123%zz HTTP/1.1\r\nHost: x\r\n\r\n",
                    "BREW /nope?access_token=secret123 HTTP/1.1\r\nHost: x\r\n\r\n")) {
                String answer = raw(server, request);
                assertThat(answer).as(request.substring(0, 30)).startsWith("HTTP/1.1 4");
                assertThat(answer).as(request.substring(0, 30)).doesNotContain("secret123", "/nope");
            }
        }
    }

    @Test
    @DisplayName("HEAD answers like GET without a body; other methods are 405 with Allow")
    void methods() throws Exception {
        try (StreamingServer server = TestServers.start(Map.of())) {
            String head = raw(server, "HEAD /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(head).startsWith("HTTP/1.1 200").endsWith("\r\n\r\n");
            assertThat(head.toLowerCase(java.util.Locale.ROOT)).contains("content-type: application/json");

            HttpResponse<String> delete = http.send(HttpRequest.newBuilder(server.managementUri().resolve("/sessions"))
                    .DELETE().timeout(Timeouts.ANSWER).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(delete.statusCode()).isEqualTo(405);
            assertThat(delete.headers().firstValue("Allow")).isEqualTo(Optional.of("GET, HEAD"));
        }
    }

    private static Socket connect(StreamingServer server) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", server.managementPort()), (int) Timeouts.CONNECT.toMillis());
        return socket;
    }

    /** Sends one request on a fresh connection and reads until the server closes it or goes quiet. */
    private static String raw(StreamingServer server, String request) throws IOException {
        try (Socket socket = connect(server)) {
            socket.setSoTimeout((int) Timeouts.ANSWER.toMillis());
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            socket.shutdownOutput();
            return readToEnd(socket.getInputStream());
        }
    }

    private static String readToEnd(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                bytes.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server neither answered nor closed the connection; read so far: "
                    + bytes.toString(StandardCharsets.ISO_8859_1), e);
        }
        return bytes.toString(StandardCharsets.ISO_8859_1);
    }

    private HttpResponse<String> get(StreamingServer server, String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.managementUri().resolve(path)).timeout(Timeouts.ANSWER);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
