package io.streaminfer.app;

import io.streaminfer.tck.ProtocolClient;
import io.streaminfer.tck.SampleFrames;
import io.streaminfer.tck.Timeouts;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Origin checks, token auth and the per-client limit over real sockets, each next to a session
 * that keeps streaming; in both WebSocket containers, which must refuse alike.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(ServerSettings.Transport.class)
class AccessControlIntegrationTest {

    @Parameter
    ServerSettings.Transport transport;

    private StreamingServer start(Map<String, String> env) {
        return TestServers.start(transport, env);
    }

    private static final String TOKEN = "s3cret-token-0123456789";

    private static URI stream(StreamingServer server, String query) {
        return URI.create(server.streamUri() + "?" + query);
    }

    /** Opens a raw JDK WebSocket with the given headers; fails the future when the handshake is refused. */
    private static CompletableFuture<WebSocket> handshake(URI uri, Map<String, String> headers) {
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Timeouts.CONNECT);
        headers.forEach(builder::header);
        return builder.buildAsync(uri, new WebSocket.Listener() {
        });
    }

    private static void assertStillServing(ProtocolClient bystander) {
        bystander.sendBinary(SampleFrames.coffee());
        assertThat(bystander.next().has("result")).isTrue();
    }

    @Test
    @DisplayName("a handshake from an origin not on the list is refused with 403; listed origins and header-less clients get in")
    void originsAreChecked() throws Exception {
        try (StreamingServer server = start(Map.of("STREAM_ALLOWED_ORIGINS", "https://cams.example.org, http://127.0.0.1:1"));
             ProtocolClient bystander = ProtocolClient.connect(stream(server, "pipeline_id=noop"))) {
            CompletableFuture<WebSocket> evil = handshake(stream(server, "pipeline_id=noop"), Map.of("Origin", "https://evil.example"));
            assertThatThrownBy(() -> evil.get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .rootCause().hasMessageContaining("403");

            WebSocket allowed = handshake(stream(server, "pipeline_id=noop"), Map.of("Origin", "https://cams.example.org"))
                    .get(10, TimeUnit.SECONDS);
            allowed.abort();
            assertStillServing(bystander);
        }
    }

    @Test
    @DisplayName("with STREAM_REQUIRE_ORIGIN, clients that send no Origin are refused too")
    void originCanBeRequired() throws Exception {
        try (StreamingServer server = start(Map.of(
                "STREAM_ALLOWED_ORIGINS", "https://cams.example.org", "STREAM_REQUIRE_ORIGIN", "true"))) {
            assertThatThrownBy(() -> ProtocolClient.connect(stream(server, "pipeline_id=noop")))
                    .isInstanceOf(IOException.class)
                    .hasMessage("the server refused the handshake with HTTP 403");
        }
    }

    @Test
    @DisplayName("with a token: missing or wrong is refused with 401 at the handshake; a Bearer header or access_token parameter gets in")
    void tokenIsRequired() throws Exception {
        try (StreamingServer server = start(Map.of("STREAM_AUTH_TOKEN", TOKEN));
             ProtocolClient bystander = ProtocolClient.connect(stream(server, "pipeline_id=noop&access_token=" + TOKEN))) {
            assertThatThrownBy(() -> ProtocolClient.connect(stream(server, "pipeline_id=noop")))
                    .isInstanceOf(IOException.class).hasMessage("the server refused the handshake with HTTP 401");
            assertThatThrownBy(() -> ProtocolClient.connect(stream(server, "pipeline_id=noop&access_token=" + TOKEN + "x")))
                    .isInstanceOf(IOException.class).hasMessage("the server refused the handshake with HTTP 401");
            assertThatThrownBy(() -> handshake(stream(server, "pipeline_id=noop"), Map.of("Authorization", "Bearer nope")).get(10, TimeUnit.SECONDS))
                    .rootCause().hasMessageContaining("401");
            WebSocket withHeader = handshake(stream(server, "pipeline_id=noop"), Map.of("Authorization", "Bearer " + TOKEN))
                    .get(10, TimeUnit.SECONDS);
            withHeader.abort();
            assertStillServing(bystander);
        }
    }

    @Test
    @DisplayName("beyond STREAM_MAX_SESSIONS_PER_CLIENT an address gets server_busy and 1013; its open sessions go on")
    void sessionsPerClient() throws Exception {
        try (StreamingServer server = start(Map.of("STREAM_MAX_SESSIONS_PER_CLIENT", "2"));
             ProtocolClient first = ProtocolClient.connect(stream(server, "pipeline_id=noop"));
             ProtocolClient second = ProtocolClient.connect(stream(server, "pipeline_id=noop"))) {
            assertStillServing(first);
            try (ProtocolClient third = ProtocolClient.connect(stream(server, "pipeline_id=noop"))) {
                assertThat(third.next().get("error").asText()).isEqualTo("server_busy");
                assertThat(third.awaitClose()).isEqualTo(1013);
            }
            assertStillServing(second);
        }
    }

    @Test
    @DisplayName("a session that sends nothing for STREAM_IDLE_TIMEOUT_S is closed with 1001; a streaming one is not")
    void idleSessionsAreClosed() throws Exception {
        try (StreamingServer server = start(Map.of("STREAM_IDLE_TIMEOUT_S", "1"));
             ProtocolClient silent = ProtocolClient.connect(stream(server, "pipeline_id=noop"));
             ProtocolClient streaming = ProtocolClient.connect(stream(server, "pipeline_id=noop"))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!silent.isClosed() && System.nanoTime() < deadline) {
                assertStillServing(streaming); // keeps this one busy while the other idles
            }

            assertThat(silent.awaitClose()).isEqualTo(1001);
            assertThat(streaming.isClosed()).isFalse();
        }
    }

    @Test
    @DisplayName("a frame whose pipeline runs past STREAM_PIPELINE_TIMEOUT_MS fails as timed out; both sessions go on")
    void slowPipelineTimesOut() throws Exception {
        try (StreamingServer server = start(Map.of("STREAM_PIPELINE_TIMEOUT_MS", "300", "STREAM_DELAY_MS", "5000"));
             ProtocolClient slow = ProtocolClient.connect(stream(server, "pipeline_id=delay"));
             ProtocolClient bystander = ProtocolClient.connect(stream(server, "pipeline_id=noop"))) {
            slow.sendBinary(SampleFrames.coffee());

            com.fasterxml.jackson.databind.JsonNode failure = slow.next();

            assertThat(failure.get("error").asText()).isEqualTo("pipeline_failure");
            assertThat(failure.get("frame_index").asLong()).isEqualTo(1);
            assertThat(failure.get("detail").asText()).contains("timed out");
            assertStillServing(bystander);
            slow.sendBinary(SampleFrames.coffee()); // the interrupted worker came back: the session goes on
            assertThat(slow.next().get("frame_index").asLong()).isEqualTo(2);
            assertThat(slow.isClosed()).isFalse();
        }
    }
}
