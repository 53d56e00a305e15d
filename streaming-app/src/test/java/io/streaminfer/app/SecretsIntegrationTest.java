package io.streaminfer.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streaminfer.tck.ProtocolClient;
import io.streaminfer.tck.SampleFrames;
import io.streaminfer.tck.Timeouts;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A run of the app's jar with secrets planted wherever an operator or a client may put one: both
 * tokens, a webhook whose path and query are secret and whose headers carry a credential, MQTT
 * passwords (in the URL and as a key), camera passwords and secret paths and queries (in the
 * sources file and through the API), a token sent as the pipeline id, and a reload refused over a
 * secret URL. Every sink and source points at a closed local port, so each one fails and says so:
 * sinks log that they are down, sources fill {@code last_error} (FFmpeg's messages included).
 * Then every management answer (with and without the token), the WebSocket port's
 * {@code /api/sources} and every line the process wrote (at the default log level) are read, and
 * none may hold any planted secret, on each WebSocket runtime. FFmpeg's argv and environment are
 * checked by the FFmpeg tests.
 */
class SecretsIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration FAILURES_SHOWN = Duration.ofSeconds(60);

    /** Each secret by where it was planted; random, so a match cannot be a coincidence. */
    private final Map<String, String> secrets = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private String plant(String where) {
        String secret = where.replaceAll("[^a-z]", "") + UUID.randomUUID().toString().replace("-", "");
        secrets.put(where, secret);
        return secret;
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"tyrus", "jetty", "netty"})
    @DisplayName("secrets planted in tokens, sink and source URLs, headers, a pipeline id and a refused reload show in no answer and no log line")
    void plantedSecretsShowNowhere(String runtime, @TempDir Path dir) throws Exception {
        String authToken = plant("stream token");
        String managementToken = plant("management token");
        int closed = closedPort();
        String sinksHost = "127.0.0.1:" + closed;
        Path pipelines = Files.writeString(dir.resolve("pipelines.json"), """
                {"doorway": {"steps": [{"step": "noop"}], "sinks": [
                  {"sink": "webhook", "results": true, "timeout_ms": 2000,
                   "url": "http://%s/services/T000/B000/%s?pwd=%s",
                   "headers": {"Authorization": "Bearer %s", "X-Cam-Pwd": "%s"}},
                  {"sink": "mqtt", "results": true, "url": "tcp://camera:%s@%s"},
                  {"sink": "mqtt", "results": true, "url": "tcp://%s", "username": "camera", "password": "%s"}]}}
                """.formatted(sinksHost, plant("webhook path"), plant("webhook query"), plant("webhook header"),
                plant("webhook pwd header"), plant("mqtt url password"), sinksHost, sinksHost, plant("mqtt password key")));
        Path sources = Files.writeString(dir.resolve("sources.json"), """
                [{"id": "door", "url": "rtsp://viewer:%s@127.0.0.1:%d/live?pwd=%s", "pipeline_id": "doorway", "fps": 5},
                 {"id": "yard", "url": "http://viewer:%s@127.0.0.1:%d/%s/video.mjpg", "pipeline_id": "doorway"}]
                """.formatted(plant("rtsp password"), closed, plant("rtsp query"), plant("mjpeg password"), closed,
                plant("mjpeg path")));

        List<String> answers = new ArrayList<>();
        List<String> lines;
        try (AppProcess app = AppProcess.start(List.of("-Xmx256m"), Map.of(
                "STREAM_SERVER", runtime, "STREAM_HOST", "127.0.0.1", "STREAM_PORT", "0", "STREAM_MANAGEMENT_PORT", "0",
                "STREAM_AUTH_TOKEN", authToken, "STREAM_MANAGEMENT_TOKEN", managementToken,
                "STREAM_PIPELINES", pipelines.toString(), "STREAM_SOURCES", sources.toString(),
                "STREAM_SOURCE_BACKOFF_MS", "200"))) {
            String management = "http://127.0.0.1:" + app.managementPort();
            String added = """
                    {"id": "gate", "url": "rtsp://admin:%s@127.0.0.1:%d/%s?pw=%s", "pipeline_id": "doorway", "fps": 2}
                    """.formatted(plant("api password"), closed, plant("api path"), plant("api query"));
            answers.add(send(post(management + "/sources", added, managementToken), 201));

            try (ProtocolClient client = ProtocolClient.connect(URI.create("ws://127.0.0.1:" + app.port()
                    + "/ws/video/stream?pipeline_id=doorway&access_token=" + authToken))) {
                client.sendBinary(SampleFrames.coffee()); // a result for each sink to (fail to) deliver
                assertThat(client.next(Timeouts.ANSWER).has("result")).isTrue();
            }
            try (ProtocolClient swapped = ProtocolClient.connect(URI.create("ws://127.0.0.1:" + app.port()
                    + "/ws/video/stream?pipeline_id=" + plant("pipeline id") + "&access_token=" + authToken))) {
                assertThat(swapped.next(Timeouts.ANSWER).path("error").asText()).isEqualTo("invalid_pipeline");
            }

            await().atMost(FAILURES_SHOWN).until(() -> app.lines().stream().filter(line -> line.contains("is down")).count() >= 3);
            await().atMost(FAILURES_SHOWN).until(() -> {
                JsonNode listed = JSON.readTree(http.send(get(management + "/sources", managementToken),
                        HttpResponse.BodyHandlers.ofString()).body());
                return listed.size() == 3 && List.of(0, 1, 2).stream().noneMatch(i -> listed.get(i).path("last_error").asText().isEmpty());
            });

            Files.writeString(pipelines, """
                    {"doorway": {"steps": [{"step": "noop"}], "sinks": [{"sink": "webhook", "url": "ftp://%s/%s"}]}}
                    """.formatted(sinksHost, plant("refused reload path")));
            answers.add(send(post(management + "/pipelines/reload", "", managementToken), 422));

            for (String path : List.of("/pipelines", "/sources", "/sources/door", "/sources/yard", "/sources/gate",
                    "/metrics", "/sessions", "/health", "/ready", "/no-such-page")) {
                answers.add(send(get(management + path, managementToken), -1));
                answers.add(send(get(management + path, null), -1));
            }
            answers.add(send(get("http://127.0.0.1:" + app.port() + "/api/sources", authToken), 200));
            answers.add(send(get("http://127.0.0.1:" + app.port() + "/api/sources", null), -1));

            app.close();
            await().atMost(FAILURES_SHOWN).until(() -> app.lines().stream().anyMatch(line -> line.contains("server_stopped")));
            lines = app.lines();
        }

        List<String> leaks = new ArrayList<>();
        secrets.forEach((where, secret) -> {
            answers.stream().filter(answer -> answer.contains(secret)).forEach(answer -> leaks.add(where + " in an answer: " + answer));
            lines.stream().filter(line -> line.contains(secret)).forEach(line -> leaks.add(where + " in a log line: " + line));
        });
        assertThat(leaks).as("planted secrets on display").isEmpty();
        assertThat(String.join("\n", answers)).as("what the rule shows instead")
                .contains("webhook http://" + sinksHost + "/***?***", "mqtt tcp://camera:***@" + sinksHost,
                        "rtsp://viewer:***@127.0.0.1:" + closed + "/***?***", "http://viewer:***@127.0.0.1:" + closed + "/***",
                        "rtsp://admin:***@127.0.0.1:" + closed + "/***?***", "ftp://" + sinksHost + "/***");
        assertThat(lines).as("the run did log its failures").anyMatch(line -> line.contains("is down"))
                .anyMatch(line -> line.contains("stream_refused"));
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort(); // free once closed: nothing listens there
        }
    }

    private static HttpRequest get(String url, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request.build();
    }

    private static HttpRequest post(String url, String body, String token) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** @return the status line, the headers and the body, for the search; {@code expected} -1 takes any status */
    private String send(HttpRequest request, int expected) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (expected >= 0) {
            assertThat(response.statusCode()).as(request.method() + " " + request.uri().getPath() + ": " + response.body())
                    .isEqualTo(expected);
        }
        return request.method() + " " + request.uri().getPath() + " " + response.statusCode() + " " + response.headers().map()
                + "\n" + response.body();
    }
}
