package io.streaminfer.app;

import io.streaminfer.tck.SampleFrames;
import io.streaminfer.tck.Timeouts;
import io.streaminfer.tyrus.StreamAnswer;
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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code java -jar streaming-app/target/streaming-app.jar} as operators run it: start, serve, SIGTERM, bad settings. */
class ServerProcessIntegrationTest {

    private static final Path JAR = Path.of("target", "streaming-app.jar");
    private static final Pattern STARTED = Pattern.compile("server_started url=ws://127\\.0\\.0\\.1:(\\d+)/ws/video/stream");

    @Test
    @DisplayName("the jar starts, logs its URL, serves a frame, and on SIGTERM closes live sessions with 1001")
    void startsServesAndStopsOnSigterm() throws Exception {
        assertThat(JAR).exists();
        Process process = java("STREAM_HOST", "127.0.0.1", "STREAM_PORT", "0");
        BlockingQueue<String> lines = drain(process);
        try {
            int port = awaitPort(lines);
            try (StreamClient client = StreamClient.create(URI.create("ws://127.0.0.1:" + port))) {
                StreamClient.Stream stream = client.open("noop");
                stream.send(SampleFrames.coffee());
                assertThat(stream.next(Timeouts.ANSWER).kind()).isEqualTo(StreamAnswer.Kind.RESULT);

                process.destroy(); // SIGTERM

                assertThat(stream.awaitClose(Timeouts.CLOSE).getCloseCode()).isEqualTo(CloseCodes.GOING_AWAY);
                assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            process.destroyForcibly();
        }
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
                lines.add("reader stopped: " + e);
            }
        }, "server-output");
        reader.setDaemon(true);
        reader.start();
        return lines;
    }

    private static int awaitPort(BlockingQueue<String> lines) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        StringBuilder seen = new StringBuilder();
        while (System.nanoTime() < deadline) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            if (line == null) {
                continue;
            }
            seen.append(line).append('\n');
            Matcher matcher = STARTED.matcher(line);
            if (matcher.find()) {
                return Integer.parseInt(matcher.group(1));
            }
        }
        throw new AssertionError("the server did not log server_started within 30 s; output:\n" + seen);
    }
}
