package io.streaminfer.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.streaminfer.core.StreamConfig;
import io.streaminfer.tck.ProtocolClient;
import io.streaminfer.tck.SampleFrames;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Who gets a session, decided at the handshake, over real sockets in both WebSocket containers:
 * the session limit counts handshakes in arrival order, one address may use every slot by
 * default, and the token is read under both of its names.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(ServerSettings.Transport.class)
class AdmissionIntegrationTest {

    /** Bounds failures, never a target. */
    private static final Duration GENEROUS = Duration.ofSeconds(30);
    private static final String TOKEN = "s3cret-token-0123456789";

    @Parameter
    ServerSettings.Transport transport;

    @Test
    @DisplayName("on the default settings one address opens 64 sessions at once and every one is served; a 65th gets server_busy")
    void sixtyFourSessionsFromOneAddress() throws Exception {
        try (StreamingServer server = TestServers.startOnDefaults(transport, Map.of())) {
            StreamConfig config = server.engine().config();
            assertThat(config.maxSessions()).as("STREAM_MAX_SESSIONS at its default").isEqualTo(64);
            assertThat(config.maxSessionsPerClient()).as("STREAM_MAX_SESSIONS_PER_CLIENT at its default").isZero();
            List<ProtocolClient> clients = new ArrayList<>();
            ExecutorService connecting = Executors.newFixedThreadPool(16);
            try {
                List<CompletableFuture<ProtocolClient>> handshakes = new ArrayList<>();
                for (int i = 0; i < 64; i++) {
                    handshakes.add(CompletableFuture.supplyAsync(() -> connect(server, "pipeline_id=noop"), connecting));
                }
                for (CompletableFuture<ProtocolClient> handshake : handshakes) {
                    clients.add(handshake.get(GENEROUS.toSeconds(), TimeUnit.SECONDS));
                }
                byte[] frame = SampleFrames.coffee();
                for (ProtocolClient client : clients) {
                    client.sendBinary(frame);
                }
                for (int i = 0; i < clients.size(); i++) {
                    JsonNode answer = clients.get(i).next(GENEROUS);
                    assertThat(describe(answer)).as("session %d: %s", i + 1, answer).isEqualTo("result 1");
                }
                assertThat(server.engine().activeSessions()).isEqualTo(64);

                try (ProtocolClient extra = connect(server, "pipeline_id=noop")) {
                    assertThat(describe(extra.next(GENEROUS))).isEqualTo("error server_busy");
                    assertThat(extra.awaitClose()).isEqualTo(1013);
                }
            } finally {
                clients.forEach(ProtocolClient::close);
                connecting.shutdownNow();
            }
        }
    }

    @Test
    @DisplayName("with STREAM_MAX_SESSIONS=3, handshakes one after another: the first three are served and only the"
            + " fourth gets server_busy and 1013, round after round")
    void onlyTheHandshakePastTheLimitIsRefused() throws Exception {
        try (StreamingServer server = TestServers.start(transport, Map.of("STREAM_MAX_SESSIONS", "3"))) {
            byte[] frame = SampleFrames.coffee();
            for (int round = 1; round <= 4; round++) {
                List<ProtocolClient> admitted = new ArrayList<>();
                try {
                    for (int i = 0; i < 3; i++) {
                        admitted.add(connect(server, "pipeline_id=noop")); // returns once the upgrade is done
                    }
                    try (ProtocolClient fourth = connect(server, "pipeline_id=noop")) {
                        assertThat(describe(fourth.next(GENEROUS))).as("round %d, fourth handshake", round)
                                .isEqualTo("error server_busy");
                        assertThat(fourth.awaitClose()).as("round %d, fourth handshake", round).isEqualTo(1013);
                    }
                    for (int i = 0; i < admitted.size(); i++) {
                        ProtocolClient client = admitted.get(i);
                        client.sendBinary(frame);
                        assertThat(describe(client.next(GENEROUS))).as("round %d, handshake %d", round, i + 1)
                                .isEqualTo("result 1"); // an error would have come first
                        assertThat(client.isClosed()).isFalse();
                    }
                } finally {
                    admitted.forEach(ProtocolClient::close);
                }
                await().atMost(GENEROUS).until(() -> server.engine().takenSlots() == 0);
            }
        }
    }

    @Test
    @DisplayName("with STREAM_AUTH_TOKEN set, api_key (what the original web client sends) works as access_token:"
            + " the right key is served, a wrong one is refused with 401")
    void apiKeyIsAnotherNameForTheAccessToken() throws Exception {
        try (StreamingServer server = TestServers.start(transport, Map.of("STREAM_AUTH_TOKEN", TOKEN))) {
            assertThatThrownBy(() -> ProtocolClient.connect(stream(server, "pipeline_id=noop&api_key=" + TOKEN + "x")))
                    .isInstanceOf(IOException.class).hasMessage("the server refused the handshake with HTTP 401");
            try (ProtocolClient client = ProtocolClient.connect(stream(server, "pipeline_id=noop&api_key=" + TOKEN))) {
                client.sendBinary(SampleFrames.coffee());
                assertThat(describe(client.next(GENEROUS))).isEqualTo("result 1");
            }
        }
    }

    private static ProtocolClient connect(StreamingServer server, String query) {
        try {
            return ProtocolClient.connect(stream(server, query));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static URI stream(StreamingServer server, String query) {
        return URI.create(server.streamUri() + "?" + query);
    }

    private static String describe(JsonNode message) {
        if (message == null) {
            return "nothing";
        }
        if (message.has("error")) {
            return "error " + message.get("error").asText();
        }
        if (message.has("result")) {
            return "result " + message.get("frame_index").asLong();
        }
        return message.toString();
    }
}
