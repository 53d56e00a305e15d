package io.streaminfer.app;

import io.streaminfer.tck.RawWebSocket;
import io.streaminfer.tck.SampleFrames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What clients that misbehave at the transport level leave in the server's log, on every runtime:
 * the app's jar in its own JVM as it ships (JSON lines on stdout, stderr included), clients that
 * reset their connections (SO_LINGER 0) at every stage of a connection, and a ping flood from a
 * client that reads no pong and then resets. A peer that hangs up abruptly is no news for an
 * operator: apart from the sessions' own {@code stream_connect}/{@code stream_disconnect} lines,
 * the log grows by a few short lines at most, and none holds a stack trace.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(ServerSettings.Transport.class)
class LogFloodIntegrationTest {

    /** Lines beyond the sessions' own events that a flood may add. */
    static final int MAX_LINES = 20;
    /** Bytes those lines may hold. */
    static final int MAX_BYTES = 8 * 1024;
    static final int RESETS_PER_STAGE = 400;
    /** A ping flood: this many writes of {@link #PINGS_PER_WRITE} pings of 125 bytes (52 MB), or until the server cuts it. */
    static final int PING_WRITES = 400;
    static final int PINGS_PER_WRITE = 1000;
    private static final Duration SETTLE = Duration.ofSeconds(30);
    /** How long the ping flood's write may block before the client resets anyway. */
    private static final Duration WRITE_WAIT = Duration.ofSeconds(10);

    @Parameter
    ServerSettings.Transport runtime;

    private AppProcess app;

    @BeforeEach
    void start() throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("STREAM_SERVER", runtime.name().toLowerCase(Locale.ROOT));
        env.put("STREAM_HOST", "127.0.0.1");
        env.put("STREAM_PORT", "0");
        env.put("STREAM_MANAGEMENT_PORT", "0");
        env.put("STREAM_LOG_FORMAT", "json");
        env.put("STREAM_MAX_SESSIONS", "1000");
        app = AppProcess.start(List.of("-Xmx256m"), env);
    }

    @AfterEach
    void stop() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    @Test
    @DisplayName("2,000 connections reset by their clients, at every stage of a connection, log a few lines and no stack trace")
    void resetsAreNoNews() throws Exception {
        int before = app.lines().size();
        byte[] jpeg = SampleFrames.coffee();
        byte[] halfFrame = new byte[50_000];
        int sessions = 0;
        for (int i = 0; i < RESETS_PER_STAGE; i++) {
            // before any byte
            RawWebSocket.connect(app.port()).reset();
            // in the middle of the handshake's request
            RawWebSocket client = RawWebSocket.connect(app.port());
            client.write("GET /ws/video/stream?pipeline_id=noop HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgr"
                    .getBytes(StandardCharsets.US_ASCII));
            client.reset();
            // right after the upgrade
            RawWebSocket.connect(app.port()).upgrade().reset();
            // in the middle of a frame
            client = RawWebSocket.connect(app.port()).upgrade();
            client.write(RawWebSocket.maskedHeader(RawWebSocket.FINAL_BINARY, 100_000), halfFrame);
            client.reset();
            // with a frame sent and its answer on the way: the server writes to a connection that is gone
            client = RawWebSocket.connect(app.port()).upgrade();
            client.write(RawWebSocket.masked(RawWebSocket.FINAL_BINARY, jpeg));
            client.reset();
            sessions += 3;
        }
        awaitSessionsEnded(sessions);

        assertQuiet(app.lines().subList(before, app.lines().size()), 5 * RESETS_PER_STAGE + " resets");
    }

    @Test
    @DisplayName("ping floods from clients that read no pong, until the server cuts them or they reset, log a few lines and no stack trace")
    void pingFloodIsNoNews() throws Exception {
        int before = app.lines().size();
        ByteArrayOutputStream batch = new ByteArrayOutputStream();
        byte[] payload = "x".repeat(125).getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < PINGS_PER_WRITE; i++) {
            batch.writeBytes(RawWebSocket.masked(0x80 | 0x9, payload));
        }
        byte[] pings = batch.toByteArray();
        int sessions = 0;
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try {
            for (int round = 0; round < 2; round++) { // the second after the first's warnings, if any
                RawWebSocket client = RawWebSocket.connect(app.port()).upgrade();
                Future<?> sending = writer.submit(() -> {
                    for (int i = 0; i < PING_WRITES; i++) {
                        client.write(pings);
                    }
                    return null;
                });
                try {
                    sending.get(WRITE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException | TimeoutException e) {
                    // the server cut the client whose pongs piled up (Tyrus), or stopped reading: what matters is the log
                }
                client.reset(); // also ends a write still blocked
                sessions++;
            }
        } finally {
            writer.shutdownNow();
        }
        awaitSessionsEnded(sessions);

        assertQuiet(app.lines().subList(before, app.lines().size()), "ping floods");
    }

    /** Every session opened so far was counted as opened and has ended. */
    private void awaitSessionsEnded(int sessions) {
        await().atMost(SETTLE).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            PrometheusText metrics = app.metrics();
            assertThat(metrics.sum("stream_connections_opened_total")).isGreaterThanOrEqualTo(sessions);
            assertThat(metrics.sum("stream_sessions_active")).isZero();
        });
    }

    /**
     * The lines written during a flood, less the sessions' own events, are few and short, and no
     * line holds a stack trace. The sessions' ends are counted by the time this runs; each client
     * was reset before the next connected, so the server had read every reset before the last
     * session's end.
     */
    private void assertQuiet(List<String> written, String what) {
        List<String> others = new ArrayList<>();
        for (String line : written) {
            if (!line.contains("\"logger\":\"io.streaminfer.sessions\"")) {
                others.add(line);
            }
        }
        String shown = String.join("\n", others.subList(0, Math.min(others.size(), 10)));
        assertThat(written).as("lines with a stack trace after %s:\n%s", what, shown)
                .noneMatch(line -> line.contains("\tat ") || line.contains("\\tat ") || line.contains("stack_trace"));
        assertThat(others).as("lines other than session events after %s:\n%s", what, shown).hasSizeLessThan(MAX_LINES);
        assertThat(others.stream().mapToInt(line -> line.getBytes(StandardCharsets.UTF_8).length + 1).sum())
                .as("bytes of those lines after %s:\n%s", what, shown).isLessThan(MAX_BYTES);
    }
}
