package io.streaminfer.app;

import io.streaminfer.tck.ProtocolClient;
import io.streaminfer.tck.SampleFrames;
import io.streaminfer.tck.Timeouts;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Hostile and sloppy clients against the real app: afterwards it still serves, and holds nothing back. */
class RobustnessIntegrationTest {

    private static final String LOG_NAME = RobustnessIntegrationTest.class.getName();
    private static final System.Logger LOG = System.getLogger(LOG_NAME);

    private static URI noop(StreamingServer server) {
        return URI.create(server.streamUri() + "?pipeline_id=noop");
    }

    private static void assertServesACleanSession(StreamingServer server) throws IOException {
        try (ProtocolClient clean = ProtocolClient.connect(noop(server))) {
            clean.sendBinary(SampleFrames.coffee());
            assertThat(clean.next().get("frame_index").asLong()).isEqualTo(1);
        }
    }

    @Test
    @DisplayName("many clients sending random mixtures of binary, garbage, text, fragments, oversized frames, pings and abrupt closes")
    void fuzzing() throws Exception {
        byte[] valid = SampleFrames.qrScene();
        byte[] oversized = SampleFrames.paddedTo(SampleFrames.coffee(), 6_000_000);
        try (StreamingServer server = TestServers.start(Map.of("STREAM_DELAY_MS", "5"))) {
            ExecutorService pool = Executors.newFixedThreadPool(12);
            List<CompletableFuture<Void>> clients = new ArrayList<>();
            for (int c = 0; c < 12; c++) {
                Random random = new Random(c);
                clients.add(CompletableFuture.runAsync(() -> {
                    for (int round = 0; round < 6; round++) {
                        String pipeline = random.nextInt(4) == 0 ? "delay" : random.nextInt(5) == 0 ? "nope" : "noop";
                        try (ProtocolClient client = ProtocolClient.connect(URI.create(server.streamUri() + "?pipeline_id=" + pipeline))) {
                            for (int action = 0; action < 15 && !client.isClosed(); action++) {
                                switch (random.nextInt(9)) {
                                    case 0, 1, 2 -> client.sendBinary(valid);
                                    case 3 -> client.sendBinary(SampleFrames.garbage(1 + random.nextInt(3000)));
                                    case 4 -> client.sendText("{\"not\": \"a frame\"}");
                                    case 5 -> {
                                        client.sendFragment(Arrays.copyOf(valid, 1000), false);
                                        client.sendFragment(Arrays.copyOfRange(valid, 1000, valid.length), true);
                                    }
                                    case 6 -> client.sendBinary(oversized);
                                    case 7 -> client.ping();
                                    default -> {
                                        client.abort();
                                        action = Integer.MAX_VALUE - 1;
                                    }
                                }
                            }
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }, pool));
            }
            for (CompletableFuture<Void> client : clients) {
                client.get(120, TimeUnit.SECONDS);
            }
            pool.shutdownNow();

            assertServesACleanSession(server);
            await().atMost(Timeouts.CLOSE).until(() -> server.engine().activeSessions() == 0);
        }
    }

    @Test
    @DisplayName("2,000 connect / stream / disconnect cycles leave no growth in server threads, sessions or retained heap")
    void noLeaks() throws Exception {
        try (StreamingServer server = TestServers.start()) {
            byte[] frame = SampleFrames.coffee();
            cycles(server, frame, 200); // warm up: pools, caches, JIT
            await().atMost(Timeouts.CLOSE).until(() -> server.engine().activeSessions() == 0);
            int threadsBefore = serverThreads();
            long heapBefore = SoakRun.usedHeapAfterGc();

            cycles(server, frame, 2000);

            await().atMost(Timeouts.CLOSE).until(() -> server.engine().activeSessions() == 0);
            int threadsAfter = serverThreads();
            long heapAfter = SoakRun.usedHeapAfterGc();
            LOG.log(System.Logger.Level.INFO, "leak check: server threads {0} -> {1}, retained heap {2} KB -> {3} KB",
                    threadsBefore, threadsAfter, heapBefore / 1024, heapAfter / 1024);
            assertThat(threadsAfter).isLessThanOrEqualTo(threadsBefore + 4);
            assertThat(heapAfter - heapBefore).as("retained heap growth").isLessThan(32L * 1024 * 1024);
            assertServesACleanSession(server);
        }
    }

    private static void cycles(StreamingServer server, byte[] frame, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            try (ProtocolClient client = ProtocolClient.connect(noop(server))) {
                client.sendBinary(frame);
                assertThat(client.next().has("result")).isTrue();
            }
        }
    }

    /** Threads of the server side only: Grizzly, the engine, management (the test's clients share one HTTP client). */
    private static int serverThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .map(Thread::getName)
                .filter(name -> name.startsWith("Grizzly") || name.startsWith("stream-") || name.startsWith("management")
                        || name.toLowerCase(java.util.Locale.ROOT).contains("tyrus"))
                .count();
    }

    @Test
    @DisplayName("soak: 20 sessions at 30 fps into delay for 60 s: every frame answered, drops instead of a queue,"
            + " results in frame order, each session's last frame gets its result; heap stable")
    void soak() throws Exception {
        Duration run = Duration.ofSeconds(Long.getLong("soak.seconds", 60));
        SoakRun.Result result;
        // two workers whatever the machine: 600 frames/s offered, at most 40 results/s, so drops are certain
        try (StreamingServer server = TestServers.start(Map.of("STREAM_DELAY_MS", "50", "STREAM_WORKERS", "2"))) {
            result = new SoakRun(server, 20, 30, run).call();
        }
        LOG.log(System.Logger.Level.INFO, "soak: {0}", result);
        assertThat(result.unanswered()).isZero();
        assertThat(result.errors()).isZero();
        assertThat(result.results()).isPositive();
        assertThat(result.dropped()).as("frames dropped, not queued").isPositive();
        assertThat(result.resultsOutOfOrder()).as("results out of frame order").isZero();
        // the newest frame wins: nothing newer replaces a session's last frame, so it is processed, never left behind
        assertThat(result.sessionsWhoseLastFrameHadNoResult()).isZero();
        assertThat(result.heapGrowthBytes()).isLessThan(64L * 1024 * 1024);
    }
}
