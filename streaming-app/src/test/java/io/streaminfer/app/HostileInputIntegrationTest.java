package io.streaminfer.app;

import io.streaminfer.tck.RawWebSocket;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streaminfer.tck.HostileJpegs;
import io.streaminfer.tck.ProtocolClient;
import io.streaminfer.tck.SampleFrames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.Deflater;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Hostile input against the real server, on every runtime (Tyrus, Jetty, Netty): the app's jar in
 * its own JVM with {@code -Xmx512m -XX:MaxDirectMemorySize=64m -XX:+ExitOnOutOfMemoryError} (the
 * image's direct-memory cap, and a 512 MiB heap), one server per runtime for all cases, and a
 * {@link Canary} sending a real frame to {@code noop} every 500 ms throughout. After each case the process is alive, the canary was never silent for more than
 * {@link #MAX_SILENCE}, and the server's threads, file descriptors, heap (after a full collection)
 * and resident memory are back within the margins below of what they were before the first case.
 * The margins are failure bounds, generous on purpose; the numbers measured are published with
 * {@link TestReporter} (in the failsafe report) and written up in docs/security.md.
 *
 * <p>To see the suite fail, run it with the memory budget out of the way:
 * {@code -Dhostile.memoryBudgetMb=100000} (on Tyrus the 64-session flood then holds 480 MiB of
 * frames in the 512 MiB heap and drops none: the flood case fails); on Netty before its transport
 * kept frames out of direct memory, the flood peaked at 1.2 GB of resident memory and stayed at
 * 751 MiB, past the margin. Extra server JVM options:
 * {@code -Dhostile.jvmOptions="..."}.
 */
class HostileInputIntegrationTest {

    /** The token the server requires; long enough to be accepted, unique so a leak cannot be a coincidence. */
    static final String TOKEN = "hostile-" + UUID.randomUUID();
    /** The management token: the control plane's cases send it, and it too must never be printed. */
    static final String MANAGEMENT_TOKEN = "hostile-management-" + UUID.randomUUID();
    /** The body of the chunked uploads: the one that ended the JVM in issue 23, more than a quarter of the heap. */
    static final long HOSTILE_BODY_BYTES = 147L * 1000 * 1000;
    /** The longest the canary may go without an answer during a case. */
    static final Duration MAX_SILENCE = Duration.ofSeconds(10);
    static final long THREAD_MARGIN = 20;
    static final long FD_MARGIN = 20;
    static final long HEAP_MARGIN_BYTES = 64L * 1024 * 1024;
    static final long RSS_MARGIN_BYTES = 200L * 1024 * 1024;
    /** The direct-memory cap of the container image. */
    static final int DIRECT_MEMORY_MB = 64;
    /**
     * The most direct buffers may hold during the flood: socket reads and writes only (about 16 MiB
     * measured on every runtime), never the frames themselves.
     */
    static final long DIRECT_PEAK_BYTES = 32L * 1024 * 1024;
    /** How long the server may take to come back to its baseline after a case. */
    static final Duration SETTLE = Duration.ofSeconds(60);
    static final int HANDSHAKE_TIMEOUT_S = 2;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MIB = 1024 * 1024;
    private static final System.Logger LOG = System.getLogger(HostileInputIntegrationTest.class.getName());

    /** Publishes a measurement: in the test's report entries and its log (the failsafe output file). */
    static void report(TestReporter reporter, String key, String value) {
        reporter.publishEntry(key, value);
        LOG.log(System.Logger.Level.INFO, "hostile input: " + key + ": " + value);
    }

    @Nested
    @DisplayName("on Tyrus")
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class OnTyrus extends Cases {
        OnTyrus() {
            super("tyrus");
        }
    }

    @Nested
    @DisplayName("on Jetty")
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class OnJetty extends Cases {
        OnJetty() {
            super("jetty");
        }
    }

    @Nested
    @DisplayName("on Netty")
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class OnNetty extends Cases {
        OnNetty() {
            super("netty");
        }
    }

    /** Measurements of the server process at one moment. */
    record Resources(long threads, long fds, long heapAfterGc, long rss) {
        static Resources of(AppProcess app) throws IOException, InterruptedException {
            long heap = app.heapAfterGc();
            return new Resources(app.threads(), app.fileDescriptors(), heap, app.rssBytes());
        }

        @Override
        public String toString() {
            return "threads " + threads + ", fds " + fds + ", heap after GC " + heap(heapAfterGc) + ", RSS " + heap(rss);
        }
    }

    static String heap(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (double) MIB);
    }

    abstract static class Cases {

        private final String runtime;
        private AppProcess app;
        private Canary canary;
        private Resources baseline;
        private long caseStarted;
        private Path sourcesRoot;

        Cases(String runtime) {
            this.runtime = runtime;
        }

        @BeforeAll
        void startServer(TestReporter reporter) throws Exception {
            Map<String, String> env = new LinkedHashMap<>();
            env.put("STREAM_SERVER", runtime);
            env.put("STREAM_HOST", "127.0.0.1");
            env.put("STREAM_PORT", "0");
            env.put("STREAM_MANAGEMENT_PORT", "0");
            env.put("STREAM_LOG_FORMAT", "json");
            env.put("STREAM_AUTH_TOKEN", TOKEN);
            env.put("STREAM_MANAGEMENT_TOKEN", MANAGEMENT_TOKEN);
            sourcesRoot = Files.createTempDirectory("hostile-sources");
            env.put("STREAM_SOURCES_ROOT", sourcesRoot.toString());
            env.put("STREAM_SOURCES_ALLOWED_HOSTS", "127.0.0.1");
            env.put("STREAM_HANDSHAKE_TIMEOUT_S", Integer.toString(HANDSHAKE_TIMEOUT_S));
            env.put("STREAM_MAX_SESSIONS", "100");
            String budget = System.getProperty("hostile.memoryBudgetMb");
            if (budget != null && !budget.isBlank()) {
                env.put("STREAM_MEMORY_BUDGET_MB", budget);
            }
            List<String> jvm = new ArrayList<>(List.of("-Xmx512m", "-XX:MaxDirectMemorySize=" + DIRECT_MEMORY_MB + "m",
                    "-XX:+ExitOnOutOfMemoryError"));
            String extra = System.getProperty("hostile.jvmOptions");
            if (extra != null && !extra.isBlank()) {
                jvm.addAll(List.of(extra.trim().split("\\s+")));
            }
            app = AppProcess.start(jvm, env);
            canary = new Canary(streamUri("noop"));
            await().atMost(Duration.ofSeconds(30)).until(() -> canary.answersBetween(Long.MIN_VALUE, Long.MAX_VALUE) >= 4);
            baseline = Resources.of(app);
            long limit = (long) app.metrics().value("stream_memory_budget_limit_bytes");
            report(reporter, runtime + " baseline", baseline + ", memory budget " + heap(limit));
        }

        @AfterAll
        void stopServer() throws Exception {
            try {
                if (canary != null) {
                    canary.close();
                }
            } finally {
                if (app != null) {
                    app.close();
                    assertNoTokenInLogs();
                }
                if (sourcesRoot != null) {
                    Files.deleteIfExists(sourcesRoot);
                }
            }
        }

        URI streamUri(String pipeline) {
            return URI.create("ws://127.0.0.1:" + app.port() + "/ws/video/stream?pipeline_id=" + pipeline
                    + "&access_token=" + TOKEN);
        }

        private void begin() {
            assertThat(app.isAlive()).as("the server is running").isTrue();
            caseStarted = System.nanoTime();
        }

        /**
         * After a case: the process is alive, the canary was answered throughout, and threads,
         * descriptors, heap and resident memory came back to the baseline within the margins.
         */
        private void end(String name, TestReporter reporter) throws Exception {
            long ended = System.nanoTime();
            assertThat(app.isAlive()).as("the server survived " + name + "; its last lines:\n"
                    + String.join("\n", tail(app.lines(), 20))).isTrue();
            // the canary keeps being answered: one answer after the case, and no long silence during it
            await().atMost(MAX_SILENCE.plus(Canary.PERIOD)).until(() -> canary.answersBetween(ended, Long.MAX_VALUE) > 0);
            long answered = System.nanoTime();
            assertThat(canary.longestSilence(caseStarted, answered))
                    .as("the canary's longest wait for an answer during " + name + " (troubles: " + canary.troubles() + ")")
                    .isLessThanOrEqualTo(MAX_SILENCE);
            assertThat(canary.reconnects()).as("the canary's session was never closed").isZero();
            Resources[] after = new Resources[1];
            // each poll asks for a full collection: G1 gives heap back to the system after one, not at once
            await().atMost(SETTLE).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
                assertThat(app.metrics().value("stream_memory_budget_used_bytes"))
                        .as("bytes held in the memory budget once nothing is sent").isZero();
                after[0] = Resources.of(app);
                assertThat(after[0].threads()).as("threads (baseline " + baseline.threads() + ")")
                        .isLessThanOrEqualTo(baseline.threads() + THREAD_MARGIN);
                assertThat(after[0].fds()).as("file descriptors (baseline " + baseline.fds() + ")")
                        .isLessThanOrEqualTo(baseline.fds() + FD_MARGIN);
                assertThat(after[0].heapAfterGc()).as("heap after GC (baseline " + heap(baseline.heapAfterGc()) + ")")
                        .isLessThanOrEqualTo(baseline.heapAfterGc() + HEAP_MARGIN_BYTES);
                assertThat(after[0].rss()).as("resident memory (baseline " + heap(baseline.rss()) + ")")
                        .isLessThanOrEqualTo(baseline.rss() + RSS_MARGIN_BYTES);
            });
            Duration settled = Duration.ofNanos(System.nanoTime() - answered);
            assertNoTokenInLogs();
            report(reporter, runtime + " after " + name, after[0] + " (back within the margins after "
                    + settled.toSeconds() + " s); canary answers "
                    + canary.answersBetween(caseStarted, answered) + ", longest silence "
                    + canary.longestSilence(caseStarted, answered).toMillis() + " ms");
        }

        private void assertNoTokenInLogs() {
            List<String> lines = app.lines();
            assertThat(lines).isNotEmpty();
            assertThat(lines.stream().filter(line -> line.contains(TOKEN) || line.contains(MANAGEMENT_TOKEN)).toList())
                    .as("server output lines holding a token").isEmpty();
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"image_stats", "motion", "qr", "faces", "ocr"})
        @Order(1)
        @DisplayName("1. decoder bombs to every decoding pipeline: frame_too_large or invalid_frame, the process alive")
        void decoderBombs(String pipeline, TestReporter reporter) throws Exception {
            JsonNode info = pipelineInfo(pipeline);
            Assumptions.assumeTrue(info.path("available").asBoolean(),
                    () -> pipeline + " is unavailable on this machine: " + info.path("reason").asText());
            begin();
            Map<String, byte[]> bombs = new LinkedHashMap<>();
            bombs.put("46000 x 46000 declared", HostileJpegs.declaredSize(HostileJpegs.HUGE_SIDE, HostileJpegs.HUGE_SIDE));
            bombs.put("15000 x 15000 declared", HostileJpegs.declaredSize(15_000, 15_000));
            bombs.put("25,000-scan progressive", HostileJpegs.scanBomb());
            int[] many = new int[255];
            Arrays.fill(many, 0x11);
            bombs.put("255 components", HostileJpegs.builder().components(many).build());
            bombs.put("4 components (CMYK)", HostileJpegs.builder().components(0x11, 0x11, 0x11, 0x11).build());
            Map<String, String> expected = Map.of("46000 x 46000 declared", "frame_too_large",
                    "15000 x 15000 declared", "frame_too_large", "25,000-scan progressive", "invalid_frame",
                    "255 components", "invalid_frame", "4 components (CMYK)", "invalid_frame");
            for (Map.Entry<String, byte[]> bomb : bombs.entrySet()) {
                try (ProtocolClient client = ProtocolClient.connect(streamUri(pipeline))) {
                    client.sendBinary(bomb.getValue());
                    JsonNode answer = client.next();
                    String code = expected.get(bomb.getKey());
                    assertThat(answer.path("error").asText()).as(bomb.getKey() + " to " + pipeline + ": " + answer).isEqualTo(code);
                    assertThat(answer.path("frame_index").asInt()).isEqualTo(1);
                    assertThat(client.awaitClose()).isEqualTo(code.equals("frame_too_large") ? 1009 : 1007);
                }
            }
            end("decoder bombs to " + pipeline, reporter);
        }

        @Test
        @Order(2)
        @DisplayName("2. deflate bombs from 50 sessions: no extension negotiated, the RSV1 frame closed with 1002")
        void deflateBombs(TestReporter reporter) throws Exception {
            begin();
            byte[] bomb = deflate(new byte[10 * 1024 * 1024]);
            assertThat(bomb.length).isLessThan(16 * 1024);
            ExecutorService pool = Executors.newFixedThreadPool(50);
            try {
                List<Future<Integer>> closes = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    closes.add(pool.submit(() -> {
                        try (RawWebSocket client = RawWebSocket.connect(app.port())) {
                            client.write(client.upgradeRequest("/ws/video/stream?pipeline_id=noop&access_token=" + TOKEN,
                                    "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits")
                                    .getBytes(StandardCharsets.US_ASCII));
                            RawWebSocket.Response response = client.readResponseHead();
                            assertThat(response.status()).isEqualTo(101);
                            assertThat(response.headers()).doesNotContainKey("sec-websocket-extensions");
                            client.write(RawWebSocket.masked(0xC0 | RawWebSocket.BINARY, bomb));
                            List<RawWebSocket.Frame> frames = client.readUntilClosed();
                            assertThat(frames).as("what came back").hasSize(1);
                            return frames.get(0).closeCode();
                        }
                    }));
                }
                for (Future<Integer> close : closes) {
                    assertThat(close.get(60, TimeUnit.SECONDS)).isEqualTo(1002);
                }
            } finally {
                pool.shutdownNow();
            }
            end("50 deflate bombs", reporter);
        }

        @Test
        @Order(3)
        @DisplayName("3. 64 sessions streaming 4.9 MiB frames into delay for 20 s: no OutOfMemoryError, frames past the budget answered dropped")
        void nearLimitFlood(TestReporter reporter) throws Exception {
            begin();
            int sessions = 64;
            Duration length = Duration.ofSeconds(20);
            byte[] frame = SampleFrames.paddedTo(SampleFrames.coffee(), (int) (4.9 * MIB));
            byte[] header = RawWebSocket.maskedHeader(0x80 | RawWebSocket.BINARY, frame.length); // zero key: the payload goes as it is
            long limit = (long) app.metrics().value("stream_memory_budget_limit_bytes");
            AtomicLong sent = new AtomicLong();
            AtomicLong results = new AtomicLong();
            AtomicLong dropped = new AtomicLong();
            AtomicLong errors = new AtomicLong();
            ConcurrentLinkedQueue<String> troubles = new ConcurrentLinkedQueue<>();
            List<RawWebSocket> clients = new ArrayList<>();
            for (int i = 0; i < sessions; i++) {
                RawWebSocket client = RawWebSocket.connect(app.port());
                clients.add(client);
                client.write(client.upgradeRequest("/ws/video/stream?pipeline_id=delay&access_token=" + TOKEN)
                        .getBytes(StandardCharsets.US_ASCII));
                assertThat(client.readResponseHead().status()).isEqualTo(101);
            }
            AtomicLong peakBudget = new AtomicLong();
            AtomicLong peakRss = new AtomicLong();
            AtomicLong peakHeap = new AtomicLong();
            AtomicLong peakDirect = new AtomicLong();
            ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
            sampler.scheduleAtFixedRate(() -> {
                try {
                    PrometheusText metrics = app.metrics();
                    peakBudget.accumulateAndGet((long) metrics.value("stream_memory_budget_used_bytes"), Math::max);
                    peakHeap.accumulateAndGet((long) metrics.sum("jvm_memory_used_bytes{area=\"heap\""), Math::max);
                    peakDirect.accumulateAndGet((long) metrics.sum("jvm_buffer_memory_used_bytes{id=\"direct\""), Math::max);
                    peakRss.accumulateAndGet(app.rssBytes(), Math::max);
                } catch (IOException | RuntimeException e) {
                    troubles.add("sampling: " + e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, 0, 500, TimeUnit.MILLISECONDS);
            ExecutorService pool = Executors.newFixedThreadPool(2 * sessions);
            long deadline = System.nanoTime() + length.toNanos();
            try {
                List<Future<?>> writers = new ArrayList<>();
                for (RawWebSocket client : clients) {
                    writers.add(pool.submit(() -> {
                        try {
                            while (System.nanoTime() < deadline) {
                                client.writeEach(header, frame);
                                sent.incrementAndGet();
                            }
                        } catch (IOException e) {
                            troubles.add("send: " + e);
                        }
                    }));
                    pool.submit(() -> {
                        try {
                            while (true) {
                                RawWebSocket.Frame answer = client.readFrame();
                                if (answer.opcode() == RawWebSocket.CLOSE) {
                                    troubles.add("closed: " + answer);
                                    return;
                                }
                                String text = answer.text();
                                if (text.contains("\"dropped\":true")) {
                                    dropped.incrementAndGet();
                                } else if (text.contains("\"result\"")) {
                                    results.incrementAndGet();
                                } else if (text.contains("\"error\"")) {
                                    errors.incrementAndGet();
                                    troubles.add(text);
                                }
                            }
                        } catch (IOException e) {
                            // the client closed its socket at the end of the flood, or the server went away
                        }
                    });
                }
                for (Future<?> writer : writers) {
                    writer.get(length.toSeconds() + 60, TimeUnit.SECONDS);
                }
            } finally {
                sampler.shutdownNow();
                for (RawWebSocket client : clients) {
                    client.close();
                }
                pool.shutdownNow();
                pool.awaitTermination(30, TimeUnit.SECONDS);
            }

            report(reporter, runtime + " flood", sessions + " sessions x " + frame.length + " bytes for " + length.toSeconds()
                    + " s: sent " + sent + ", results " + results + ", dropped " + dropped + ", errors " + errors
                    + "; peak budget used " + heap(peakBudget.get()) + " of " + heap(limit) + ", peak heap "
                    + heap(peakHeap.get()) + ", peak direct buffers " + heap(peakDirect.get()) + ", peak RSS "
                    + heap(peakRss.get()));
            assertThat(app.isAlive()).as("the server survived the flood; its last lines:\n"
                    + String.join("\n", tail(app.lines(), 20))).isTrue();
            assertThat(errors.get()).as("errors: " + troubles).isZero();
            assertThat(results.get()).as("frames that ran").isPositive();
            assertThat(dropped.get()).as("frames answered dropped").isPositive();
            assertThat(peakBudget.get()).as("the budget was what held frames back").isGreaterThanOrEqualTo(limit / 2);
            assertThat(peakDirect.get()).as("direct buffers at the flood's peak: no frame is held there")
                    .isLessThanOrEqualTo(DIRECT_PEAK_BYTES);
            assertThat(troubles).as("nothing closed the flood's sessions").noneMatch(t -> t.startsWith("closed"));
            end("the 64-session flood", reporter);
        }

        @Test
        @Order(4)
        @DisplayName("4. idle and slowloris connections on both ports: probes and the canary answered; all closed after the timeouts")
        void idleAndSlowloris(TestReporter reporter) throws Exception {
            begin();
            List<Socket> stream = new ArrayList<>();
            List<Socket> management = new ArrayList<>();
            List<Socket> trickling = new ArrayList<>();
            ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
            try {
                for (int i = 0; i < 300; i++) {
                    Socket socket = open(app.port());
                    stream.add(socket);
                    if (i % 2 == 1) {
                        send(socket, "GET /ws/video/stream?pipeline_id=noop&access_tok");
                        trickling.add(socket); // a byte every 2 s: the handshake deadline is not reset by bytes
                    }
                }
                for (int i = 0; i < 200; i++) {
                    Socket socket = open(app.managementPort());
                    management.add(socket);
                    if (i % 2 == 1) {
                        // half-sent and then silent: a connection that trickles a byte more often than the
                        // 5 s idle timeout is never closed on this port (see docs/security.md); not asserted here
                        send(socket, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
                    }
                }
                trickle.scheduleWithFixedDelay(() -> {
                    for (Socket socket : trickling) {
                        try {
                            send(socket, "a");
                        } catch (IOException e) {
                            // closed by the server: what should happen
                        }
                    }
                }, 1, 2, TimeUnit.SECONDS);

                for (String probe : List.of("/health", "/ready")) {
                    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(app.get(probe).statusCode())
                            .as(probe + " while 500 connections are held").isEqualTo(200));
                }
                long held = System.nanoTime();
                assertClosedByServer(stream, "the WebSocket port (handshake timeout " + HANDSHAKE_TIMEOUT_S + " s)");
                Duration streamClosed = Duration.ofNanos(System.nanoTime() - held);
                assertClosedByServer(management, "the management port (idle timeout)");
                Duration managementClosed = Duration.ofNanos(System.nanoTime() - held);
                report(reporter, runtime + " idle/slowloris", "300 connections on the WebSocket port closed within "
                        + streamClosed.toMillis() + " ms of the probes' answers, 200 on the management port within "
                        + managementClosed.toMillis() + " ms");
            } finally {
                trickle.shutdownNow();
                for (Socket socket : stream) {
                    socket.close();
                }
                for (Socket socket : management) {
                    socket.close();
                }
            }
            end("idle and slowloris connections", reporter);
        }

        @Test
        @Order(5)
        @DisplayName("5. tokens in malformed URIs on both ports: refused, and the token never reaches the server's output")
        void tokensInMalformedUris(TestReporter reporter) throws Exception {
            begin();
            String overlong = "x".repeat(70_000);
            // every malformed URI is refused before the upgrade, on every runtime (a bad escape anywhere), and
            // the token goes nowhere
            Map<String, Boolean> upgrades = new LinkedHashMap<>();
            upgrades.put("/ws/video/stream?pipeline_id=noop&access_token=" + TOKEN + "&x=%G0", true);
            upgrades.put("/ws/video/stream?pipeline_id=noop&access_token=" + TOKEN + "%", true);
            upgrades.put("/ws/video/stream?pipeline_id=noop&access_token=" + TOKEN + "%zz%00", true);
            upgrades.put("/ws/video/str%GGeam?pipeline_id=noop&access_token=" + TOKEN, true);
            upgrades.put("/ws/video/stream?pipeline_id=noop&access_token=" + TOKEN + "&pad=" + overlong, true);
            Map<String, Integer> statuses = new LinkedHashMap<>();
            for (Map.Entry<String, Boolean> upgrade : upgrades.entrySet()) {
                String uri = upgrade.getKey();
                String answer = request(app.port(), RawWebSocket.KEY, uri, true);
                statuses.put("ws " + shorten(uri), status(answer));
                if (upgrade.getValue()) {
                    assertThat(status(answer)).as("the upgrade of " + shorten(uri) + " is refused: " + shorten(answer)).isNotEqualTo(101);
                }
                assertThat(answer).doesNotContain(TOKEN);
            }
            Map<String, Boolean> pages = new LinkedHashMap<>();
            pages.put("/health?access_token=" + TOKEN + "&x=%G0", false);
            pages.put("/metrics?access_token=" + TOKEN + "%", false);
            pages.put("/sessions?access_token=" + TOKEN + "&x=%zz", true);
            pages.put("/%G0?access_token=" + TOKEN, true);
            pages.put("/pipelines?access_token=" + TOKEN + "&pad=" + overlong, true);
            for (int port : new int[] {app.port(), app.managementPort()}) {
                for (Map.Entry<String, Boolean> page : pages.entrySet()) {
                    String uri = page.getKey();
                    String answer = request(port, null, uri, false);
                    String name = (port == app.port() ? "ws port " : "management ") + shorten(uri);
                    statuses.put(name, status(answer));
                    assertThat(answer).as(name).doesNotContain(TOKEN);
                    if (page.getValue() || port == app.port()) {
                        assertThat(status(answer) / 100).as(name + " is refused: " + shorten(answer)).isNotEqualTo(2);
                    }
                }
            }
            report(reporter, runtime + " malformed URIs", statuses.toString());
            end("tokens in malformed URIs", reporter);
        }

        @Test
        @Order(6)
        @DisplayName("6. the control plane: chunked bodies past the heap, hostile source URLs, cross-site requests and a"
                + " foreign page's watcher are refused; nothing is added, the process alive")
        void controlPlane(TestReporter reporter) throws Exception {
            begin();
            Map<String, Integer> statuses = new LinkedHashMap<>();
            // three uploads at once, each past a quarter of the heap: read up to 16 KiB, then 413 and closed
            ExecutorService uploads = Executors.newFixedThreadPool(3);
            try {
                List<Future<ChunkedUpload.Exchange>> exchanges = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    exchanges.add(uploads.submit(() -> ChunkedUpload.post(app.managementPort(), "/sources",
                            HOSTILE_BODY_BYTES, SETTLE, "Authorization: Bearer " + MANAGEMENT_TOKEN,
                            "Content-Type: application/json")));
                }
                for (Future<ChunkedUpload.Exchange> exchange : exchanges) {
                    ChunkedUpload.Exchange done = exchange.get(SETTLE.toSeconds(), TimeUnit.SECONDS);
                    statuses.put("chunked POST /sources", status(done.answer()));
                    assertThat(status(done.answer())).as("a 147 MB chunked definition: " + shorten(done.answer())).isEqualTo(413);
                    assertThat(done.sent()).as("body bytes let through before the close").isLessThan(HOSTILE_BODY_BYTES);
                }
            } finally {
                uploads.shutdownNow();
            }
            ChunkedUpload.Exchange reload = ChunkedUpload.post(app.managementPort(), "/pipelines/reload",
                    HOSTILE_BODY_BYTES, SETTLE, "Authorization: Bearer " + MANAGEMENT_TOKEN, "Content-Type: application/json");
            statuses.put("chunked POST /pipelines/reload", status(reload.answer()));
            assertThat(status(reload.answer())).as("a 147 MB chunked reload: " + shorten(reload.answer())).isEqualTo(413);

            // the source URLs, with the management token: each refused with a reason, none added
            Map<String, String> hostile = new LinkedHashMap<>();
            hostile.put("concat", "concat:/proc/self/environ|/usr/share/common-licenses/GPL-3.txt");
            hostile.put("subfile", "subfile,,start,0,end,0,,:/etc/passwd");
            hostile.put("relative", "frames/../../etc");
            hostile.put("environ", "/proc/self/environ");
            hostile.put("outside the root", "/etc");
            hostile.put("listen", "tcp://127.0.0.1:9?listen=1");
            hostile.put("host not allowed", "http://169.254.169.254/latest/meta-data");
            for (Map.Entry<String, String> url : hostile.entrySet()) {
                Map<String, String> fields = new LinkedHashMap<>(Map.of("id", "x", "url", url.getValue(), "pipeline_id", "noop"));
                if (url.getKey().equals("host not allowed")) {
                    fields.put("kind", "ffmpeg"); // FFmpeg fetching any URL once a second was the SSRF
                }
                String definition = JSON.writeValueAsString(fields);
                String answer = managementRequest("POST", "/sources", definition, "application/json", null);
                statuses.put("source " + url.getKey(), status(answer));
                assertThat(status(answer)).as("source URL " + url.getKey() + ": " + shorten(answer)).isEqualTo(400);
                assertThat(answer).contains("invalid_source");
            }
            // a browser's cross-site requests, token or not: refused before anything runs
            String good = JSON.writeValueAsString(Map.of("id", "x", "url", sourcesRoot.toString(), "pipeline_id", "noop"));
            String crossSite = managementRequest("POST", "/sources", good, "text/plain", "http://evil.example");
            statuses.put("cross-site POST /sources", status(crossSite));
            assertThat(status(crossSite)).as(shorten(crossSite)).isEqualTo(403);
            String crossReload = managementRequest("POST", "/pipelines/reload", "", null, "http://evil.example");
            statuses.put("cross-site reload", status(crossReload));
            assertThat(status(crossReload)).as(shorten(crossReload)).isEqualTo(403);
            String form = managementRequest("POST", "/sources", good, "application/x-www-form-urlencoded", null);
            statuses.put("form POST /sources", status(form));
            assertThat(status(form)).as(shorten(form)).isEqualTo(415);
            // a page of another site cannot watch a camera, even when the token leaked into it
            String watcher = request(app.port(), RawWebSocket.KEY, "/ws/sources/x?access_token=" + TOKEN, true,
                    "Origin: http://evil.example");
            statuses.put("foreign watcher", status(watcher));
            assertThat(status(watcher)).as(shorten(watcher)).isEqualTo(403);
            String list = request(app.port(), null, "/api/sources", false);
            statuses.put("/api/sources without the token", status(list));
            assertThat(status(list)).as(shorten(list)).isEqualTo(401);

            assertThat(app.get("/sources").body()).as("no source was added").isEqualTo("[]");
            report(reporter, runtime + " control plane", statuses.toString());
            end("the control plane", reporter);
        }

        /** One management request with the token on a fresh connection; the whole answer. */
        private String managementRequest(String method, String path, String body, String contentType, String origin)
                throws IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            try (Socket socket = open(app.managementPort())) {
                socket.setSoTimeout(10_000);
                send(socket, method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + app.managementPort()
                        + "\r\nConnection: close\r\n"
                        + "Authorization: Bearer " + MANAGEMENT_TOKEN + "\r\n"
                        + (contentType == null ? "" : "Content-Type: " + contentType + "\r\n")
                        + (origin == null ? "" : "Origin: " + origin + "\r\n")
                        + "Content-Length: " + bytes.length + "\r\n\r\n");
                socket.getOutputStream().write(bytes);
                return ChunkedUpload.readUntilClosed(socket.getInputStream(), SETTLE);
            }
        }

        private JsonNode pipelineInfo(String pipeline) throws Exception {
            for (JsonNode info : JSON.readTree(app.get("/pipelines").body())) {
                if (info.path("id").asText().equals(pipeline)) {
                    return info;
                }
            }
            throw new AssertionError("no pipeline " + pipeline + " in /pipelines");
        }

        /** Every socket sees the server hang up within {@link #SETTLE}. */
        private static void assertClosedByServer(List<Socket> sockets, String where) throws IOException {
            long deadline = System.nanoTime() + SETTLE.toNanos();
            int open = 0;
            for (Socket socket : sockets) {
                InputStream in = socket.getInputStream();
                try {
                    while (true) {
                        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                        socket.setSoTimeout((int) Math.max(1, left));
                        if (in.read(new byte[4096]) < 0) {
                            break; // a 408/400 page, then the end: closed
                        }
                    }
                } catch (SocketTimeoutException e) {
                    open++;
                } catch (SocketException e) {
                    // reset: closed
                }
            }
            assertThat(open).as("connections on " + where + " still open after " + SETTLE).isZero();
        }
    }

    static Socket open(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        return socket;
    }

    static void send(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** One request on a fresh connection; the answer's head (and what followed, up to the server's hang-up or 64 KiB). */
    static String request(int port, String key, String uri, boolean upgrade, String... headers) throws IOException {
        try (Socket socket = open(port)) {
            socket.setSoTimeout(10_000);
            StringBuilder extra = new StringBuilder();
            for (String header : headers) {
                extra.append(header).append("\r\n");
            }
            String head = "GET " + uri + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n" + extra
                    + (upgrade ? "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
                    + "\r\nSec-WebSocket-Version: 13\r\n" : "Connection: close\r\n") + "\r\n";
            try {
                send(socket, head);
            } catch (SocketException e) {
                return "(the server closed the connection while the request was sent)";
            }
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            try {
                for (int n = socket.getInputStream().read(buffer); n >= 0 && answer.size() < 65_536;
                     n = socket.getInputStream().read(buffer)) {
                    answer.write(buffer, 0, n);
                    if (upgrade && answer.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
                        break;
                    }
                }
            } catch (SocketException | SocketTimeoutException e) {
                answer.writeBytes(("(" + e.getClass().getSimpleName() + ")").getBytes(StandardCharsets.ISO_8859_1));
            }
            return answer.size() == 0 ? "(closed without an answer)" : answer.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** @return the HTTP status of an answer, or 0 when the server closed without one */
    static int status(String answer) {
        if (!answer.startsWith("HTTP/1.1 ")) {
            return 0;
        }
        return Integer.parseInt(answer.substring(9, 12));
    }

    static String shorten(String text) {
        String line = text.replace("\r\n", " | ");
        return line.length() > 120 ? line.substring(0, 120) + "..." : line;
    }

    static List<String> tail(List<String> lines, int n) {
        return lines.subList(Math.max(0, lines.size() - n), lines.size());
    }

    /** A raw DEFLATE stream (RFC 7692 payloads carry no zlib header). */
    static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        deflater.setInput(data);
        deflater.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        while (!deflater.finished()) {
            out.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        return out.toByteArray();
    }
}
