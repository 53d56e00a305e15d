package io.streaminfer.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streaminfer.tck.ProtocolClient;
import io.streaminfer.tck.SampleFrames;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Scale-out as docs/deploy/nginx.conf sets it up: two app instances behind Debian's nginx on
 * loopback share 20 sessions; when one instance stops, its clients get 1001, reconnect through
 * nginx and are served by the other. Skipped, with the reason, where nginx is missing.
 */
class ScaleOutIntegrationTest {

    private static final Path NGINX = Path.of("/usr/sbin/nginx");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SESSIONS = 20;

    @Test
    @DisplayName("20 sessions through nginx reach both instances; stopping one hands its clients over to the other")
    void sessionsSpreadAndMove(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(NGINX), "nginx is not installed (apt-get install nginx-light); .ci/run installs it");
        try (StreamingServer a = TestServers.start(); StreamingServer b = TestServers.start()) {
            int port = freePort();
            String config = Files.readString(Path.of("..", "docs", "deploy", "nginx.conf"))
                    .replace("__PREFIX__", dir.toString())
                    .replace("__UPSTREAM_A__", String.valueOf(a.port()))
                    .replace("__UPSTREAM_B__", String.valueOf(b.port()))
                    .replace("__PORT__", String.valueOf(port));
            Path conf = Files.writeString(dir.resolve("nginx.conf"), config);
            Process nginx = new ProcessBuilder(NGINX.toString(), "-p", dir.toString(), "-c", conf.toString(), "-g", "daemon off;")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
            URI uri = URI.create("ws://127.0.0.1:" + port + "/ws/video/stream?pipeline_id=noop");
            List<ProtocolClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < SESSIONS; i++) {
                    clients.add(await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                            .until(() -> connectAndStream(uri), c -> c != null));
                }
                int onA = sessions(a);
                int onB = sessions(b);
                assertThat(onA + onB).isEqualTo(SESSIONS);
                assertThat(onA).as("least_conn spreads the sessions: instance A").isGreaterThan(0);
                assertThat(onB).as("least_conn spreads the sessions: instance B").isGreaterThan(0);

                assertThat(a.stop(Duration.ofSeconds(5))).isTrue();
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> clients.stream().filter(ProtocolClient::isClosed).count() == onA);

                int movedOver = 0;
                for (int i = 0; i < clients.size(); i++) {
                    ProtocolClient client = clients.get(i);
                    if (client.isClosed()) {
                        assertThat(client.awaitClose()).as("a client of the stopped instance").isEqualTo(1001);
                        client.close();
                        clients.set(i, await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                                .until(() -> connectAndStream(uri), c -> c != null));
                        movedOver++;
                    } else {
                        client.sendBinary(SampleFrames.coffee());
                        assertThat(client.next().has("result")).as("a client of the remaining instance goes on").isTrue();
                    }
                }
                assertThat(movedOver).isEqualTo(onA);
                assertThat(sessions(b)).isEqualTo(SESSIONS);
            } finally {
                clients.forEach(ProtocolClient::close);
                nginx.destroy();
                nginx.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    @DisplayName("behind nginx with STREAM_TRUSTED_PROXIES, the client's address is the forwarded one; without it, the proxy's")
    void trustedProxyNamesTheClient(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(NGINX), "nginx is not installed (apt-get install nginx-light); .ci/run installs it");
        try (StreamingServer trusting = TestServers.start(Map.of("STREAM_TRUSTED_PROXIES", "127.0.0.1"));
             StreamingServer plain = TestServers.start()) {
            int port = freePort();
            Path conf = Files.writeString(dir.resolve("nginx.conf"), Files.readString(Path.of("..", "docs", "deploy", "nginx.conf"))
                    .replace("__PREFIX__", dir.toString())
                    .replace("__UPSTREAM_A__", String.valueOf(trusting.port()))
                    .replace("__UPSTREAM_B__", String.valueOf(plain.port()))
                    .replace("__PORT__", String.valueOf(port)));
            Process nginx = new ProcessBuilder(NGINX.toString(), "-p", dir.toString(), "-c", conf.toString(), "-g", "daemon off;")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
            URI uri = URI.create("ws://127.0.0.1:" + port + "/ws/video/stream?pipeline_id=noop");
            List<ProtocolClient> clients = new ArrayList<>();
            try {
                // the client claims an address itself; nginx appends the peer it saw (127.0.0.1)
                Map<String, String> forwarded = Map.of("X-Forwarded-For", "198.51.100.7");
                for (int i = 0; i < 4; i++) {
                    ProtocolClient client = await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                            .until(() -> ProtocolClient.connect(uri, forwarded), c -> c != null);
                    client.sendBinary(SampleFrames.qrScene());
                    assertThat(client.next().has("result")).isTrue();
                    clients.add(client);
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> sessions(trusting) + sessions(plain) == 4);
                assertThat(remotes(trusting)).as("nginx (127.0.0.1) is trusted: the hop before it is the client")
                        .isNotEmpty().containsOnly("198.51.100.7");
                assertThat(remotes(plain)).as("no trusted proxy: the header is ignored, the peer is the client")
                        .isNotEmpty().containsOnly("127.0.0.1");
            } finally {
                clients.forEach(ProtocolClient::close);
                nginx.destroy();
                nginx.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static List<String> remotes(StreamingServer server) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(server.managementUri().resolve("/sessions")).build(), HttpResponse.BodyHandlers.ofString());
        List<String> remotes = new ArrayList<>();
        JSON.readTree(response.body()).forEach(session -> remotes.add(session.get("remote").asText()));
        return remotes;
    }

    /** Connects through nginx and streams one frame; null when the session did not get a result. */
    private static ProtocolClient connectAndStream(URI uri) throws IOException {
        ProtocolClient client = ProtocolClient.connect(uri);
        client.sendBinary(SampleFrames.qrScene());
        if (client.next().has("result")) {
            return client;
        }
        client.close();
        return null;
    }

    private static int sessions(StreamingServer server) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(server.managementUri().resolve("/sessions")).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode sessions = JSON.readTree(response.body());
        return sessions.size();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
