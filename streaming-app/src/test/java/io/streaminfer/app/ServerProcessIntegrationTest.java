package io.streaminfer.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streaminfer.tck.ProtocolClient;
import io.streaminfer.tck.SampleFrames;
import io.streaminfer.tck.Timeouts;
import io.streaminfer.protocol.StreamAnswer;
import io.streaminfer.tyrus.StreamClient;
import jakarta.websocket.CloseReason.CloseCodes;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code java -jar streaming-app/target/streaming-app.jar} as operators run it: start, serve, SIGTERM, bad settings. */
class ServerProcessIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path JAR = Path.of("target", "streaming-app.jar");
    private static final Pattern STARTED = Pattern.compile("server_started.*\"?url\"?[=:]\"?ws://127\\.0\\.0\\.1:(\\d+)/ws/video/stream");

    @Test
    @DisplayName("the jar starts, logs its URL, serves a frame, and on SIGTERM closes live sessions with 1001")
    void startsServesAndStopsOnSigterm() throws Exception {
        assertThat(JAR).exists();
        Process process = java("STREAM_HOST", "127.0.0.1", "STREAM_PORT", "0", "STREAM_MANAGEMENT_PORT", "0", "STREAM_LOG_FORMAT", "text");
        BlockingQueue<String> lines = drain(process);
        try {
            int port = awaitPort(lines, new ArrayList<>());
            try (StreamClient client = StreamClient.create(URI.create("ws://127.0.0.1:" + port))) {
                StreamClient.Stream stream = client.open("noop");
                stream.send(SampleFrames.coffee());
                assertThat(stream.next(Timeouts.ANSWER).kind()).isEqualTo(StreamAnswer.Kind.RESULT);

                process.toHandle().destroy(); // SIGTERM; Process.destroy() would also close our end of its output

                assertThat(stream.awaitClose(Timeouts.CLOSE).getCloseCode()).isEqualTo(CloseCodes.GOING_AWAY);
                assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }

    @Test
    @DisplayName("JSON logs: one object per line; connect and disconnect share the session id and the client's totals; no token leaks, not even sent as the pipeline id")
    void jsonLogsTellTheSessionsStory() throws Exception {
        String secret = "tok-" + java.util.UUID.randomUUID();
        Process process = java("STREAM_HOST", "127.0.0.1", "STREAM_PORT", "0", "STREAM_MANAGEMENT_PORT", "0");
        BlockingQueue<String> lines = drain(process);
        List<String> all = new ArrayList<>();
        try {
            int port = awaitPort(lines, all);
            try (ProtocolClient withToken = ProtocolClient.connect(
                    URI.create("ws://127.0.0.1:" + port + "/ws/video/stream?pipeline_id=noop&access_token=" + secret))) {
                withToken.sendBinary(SampleFrames.coffee());
                assertThat(withToken.next().has("result")).isTrue();
            }
            try (StreamClient client = StreamClient.create(URI.create("ws://127.0.0.1:" + port))) {
                StreamClient.Stream mangled = client.open("noop&access_token=" + secret); // a client that encoded its URL wrongly
                assertThat(mangled.next(Timeouts.ANSWER).error()).isEqualTo("invalid_pipeline");
                StreamClient.Stream swapped = client.open(secret); // a client that sent its token as the pipeline id
                assertThat(swapped.next(Timeouts.ANSWER).error()).isEqualTo("invalid_pipeline");
                StreamClient.Stream stream = client.open("noop");
                for (int i = 0; i < 5; i++) {
                    stream.send(SampleFrames.coffee());
                    assertThat(stream.next(Timeouts.ANSWER).kind()).isEqualTo(StreamAnswer.Kind.RESULT);
                }
                stream.close();
                stream.awaitClose(Timeouts.CLOSE);
            }
            process.toHandle().destroy(); // SIGTERM, keeping its output readable
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }
        for (String line = lines.poll(5, TimeUnit.SECONDS); line != null; line = lines.poll(1, TimeUnit.SECONDS)) {
            all.add(line);
        }

        List<JsonNode> events = new ArrayList<>();
        for (String line : all) {
            assertThat(line).doesNotContain(secret);
            assertThat(line).as("every line is one JSON object").startsWith("{");
            events.add(JSON.readTree(line));
        }
        JsonNode disconnect = events.stream()
                .filter(e -> "stream_disconnect".equals(e.path("event").asText()) && e.path("received").asInt() == 5)
                .findFirst().orElseThrow(() -> new AssertionError("no disconnect with the client's 5 frames"));
        JsonNode connect = events.stream()
                .filter(e -> "stream_connect".equals(e.path("event").asText())
                        && e.path("session_id").asText().equals(disconnect.get("session_id").asText()))
                .findFirst().orElseThrow(() -> new AssertionError("no connect event for " + disconnect.get("session_id")));
        assertThat(connect.get("pipeline_id").asText()).isEqualTo("noop");
        assertThat(disconnect.get("session_id").asText()).isEqualTo(connect.get("session_id").asText());
        assertThat(disconnect.get("received").asInt()).isEqualTo(5);
        assertThat(disconnect.get("processed").asInt()).isEqualTo(5);
        assertThat(disconnect.get("dropped").asInt()).isZero();
        assertThat(disconnect.get("close_code").asInt()).isEqualTo(1000);
        JsonNode started = events.stream().filter(e -> "server_started".equals(e.path("event").asText())).findFirst().orElseThrow();
        assertThat(started.get("pipelines").toString()).contains("noop", "delay");
        assertThat(started.get("management_port").asInt()).isPositive();
        assertThat(events).anyMatch(e -> "server_stopping".equals(e.path("event").asText()));
        assertThat(events).anyMatch(e -> "stream_refused".equals(e.path("event").asText()));
        assertThat(events).anyMatch(e -> "stream_refused".equals(e.path("event").asText())
                && "***".equals(e.path("pipeline_id").asText()) && e.path("pipeline_id_length").asInt() == secret.length());
    }

    @Test
    @DisplayName("a bad setting stops startup with one line naming the variable and exit status 2")
    void badSettingStopsStartup() throws Exception {
        Process process = java("STREAM_PORT", "eighty");

        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(output).isEqualTo("configuration error: STREAM_PORT: expected a whole number between 0 and 65535, got 'eighty'");
    }

    private static Process java(String... env) throws IOException {
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(javaBin.toString(), "-jar", JAR.toString()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("STREAM_"));
        for (int i = 0; i < env.length; i += 2) {
            builder.environment().put(env[i], env[i + 1]);
        }
        assertThat(Files.isExecutable(javaBin)).isTrue();
        return builder.start();
    }

    private static BlockingQueue<String> drain(Process process) {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                if (process.isAlive()) {
                    lines.add("reader stopped while the server runs: " + e);
                }
            }
        }, "server-output");
        reader.setDaemon(true);
        reader.start();
        return lines;
    }

    private static int awaitPort(BlockingQueue<String> lines, List<String> seen) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            if (line == null) {
                continue;
            }
            seen.add(line);
            Matcher matcher = STARTED.matcher(line);
            if (matcher.find()) {
                return Integer.parseInt(matcher.group(1));
            }
        }
        throw new AssertionError("the server did not log server_started within 30 s; output:\n" + String.join("\n", seen));
    }
}
