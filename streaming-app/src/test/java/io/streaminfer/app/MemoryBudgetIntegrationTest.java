package io.streaminfer.app;

import io.streaminfer.tck.RawWebSocket;
import io.streaminfer.tck.SampleFrames;
import io.streaminfer.tck.Timeouts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The memory budget on every runtime, as docs/security.md promises it: a frame the budget cannot
 * hold is answered dropped (discarded unread by the transport, or not kept by the engine) and the
 * session goes on. The budget is the smallest the engine accepts (16 MiB) and the frames are
 * 6 MiB, so two frames held in the {@code gate} pipeline and one waiting fill it.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(ServerSettings.Transport.class)
class MemoryBudgetIntegrationTest {

    private static final int MIB = 1024 * 1024;
    private static final long BUDGET = 16L * MIB;
    private static final byte[] BIG = SampleFrames.paddedTo(SampleFrames.coffee(), 6 * MIB);
    private static final String GATE = "/ws/video/stream?pipeline_id=gate";

    @Parameter
    ServerSettings.Transport runtime;

    private final List<RawWebSocket> clients = new ArrayList<>();
    private TransportServers server;

    @AfterEach
    void stop() throws IOException {
        for (RawWebSocket client : clients) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private void start() throws IOException {
        server = TransportServers.start(runtime, 8L * MIB, new TransportServers.Options().memoryBudgetBytes(BUDGET));
    }

    private RawWebSocket upgraded(String path) throws IOException {
        RawWebSocket client = RawWebSocket.connect(server.port());
        clients.add(client);
        return client.upgradeTo(path);
    }

    @Test
    @DisplayName("with the budget full, another session's large frames are answered dropped and the session goes on")
    void framePastTheBudgetIsDroppedAndTheSessionGoesOn() throws Exception {
        start();
        RawWebSocket holder = upgraded(GATE);
        RawWebSocket other = upgraded("/ws/video/stream?pipeline_id=noop");
        holder.write(RawWebSocket.masked(RawWebSocket.FINAL_BINARY, BIG));
        server.awaitGateEntered();
        // a second frame waits behind the first: 12 MiB held (on Jetty it is dropped instead: its reader
        // reserves the array it collects a message in and, while the array doubles, the old one too)
        holder.write(RawWebSocket.masked(RawWebSocket.FINAL_BINARY, BIG));
        await().atMost(Timeouts.ANSWER).untilAsserted(() -> assertThat(server.engine.sessions())
                .anySatisfy(session -> assertThat(session.received()).isEqualTo(2)));

        for (int frame = 1; frame <= 2; frame++) {
            other.write(RawWebSocket.masked(RawWebSocket.FINAL_BINARY, BIG));
            assertThat(other.readFrame().text()).as("frame %d of the other session", frame)
                    .isEqualTo("{\"frame_index\":" + frame + ",\"dropped\":true}");
        }
        other.write(RawWebSocket.masked(RawWebSocket.FINAL_BINARY, SampleFrames.coffee()));
        assertThat(other.readFrame().text()).as("a small frame still fits").startsWith("{\"frame_index\":3,\"result\"");

        server.openGate();
        Map<Long, String> held = read(holder, 2);
        assertThat(held.get(1L)).startsWith("{\"frame_index\":1,\"result\"");
        assertThat(held.get(2L)).matches("\\{\"frame_index\":2,(\"result\".*|\"dropped\":true})");
        await().atMost(Timeouts.ANSWER).until(() -> server.engine.memoryBudget().used() == 0);
        other.write(RawWebSocket.masked(RawWebSocket.FINAL_BINARY, BIG));
        assertThat(other.readFrame().text()).as("once the budget has room again")
                .startsWith("{\"frame_index\":4,\"result\"");
        assertThat(server.engine.activeSessions()).isEqualTo(2);
    }

    @Test
    @DisplayName("three sessions sending large messages at once past the budget, whole and in fragments: every frame answered once, no session cut")
    void concurrentLargeFramesPastTheBudget() throws Exception {
        start();
        int sessions = 3;
        int frames = 8;
        List<RawWebSocket> senders = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            senders.add(upgraded(GATE));
        }
        byte[] whole = RawWebSocket.masked(RawWebSocket.FINAL_BINARY, BIG);
        int third = BIG.length / 3;
        byte[][] fragmented = { // the same message in three fragments: the budget may fail at any of them
                RawWebSocket.masked(RawWebSocket.BINARY, java.util.Arrays.copyOfRange(BIG, 0, third)),
                RawWebSocket.masked(0x00, java.util.Arrays.copyOfRange(BIG, third, 2 * third)),
                RawWebSocket.masked(0x80, java.util.Arrays.copyOfRange(BIG, 2 * third, BIG.length))};
        ExecutorService pool = Executors.newFixedThreadPool(2 * sessions);
        try {
            List<CompletableFuture<Map<Long, String>>> answers = new ArrayList<>();
            List<java.util.concurrent.Future<?>> writers = new ArrayList<>();
            for (RawWebSocket client : senders) {
                writers.add(pool.submit(() -> {
                    for (int i = 0; i < frames; i++) {
                        if (i % 2 == 0) {
                            client.writeEach(whole);
                        } else {
                            client.writeEach(fragmented);
                        }
                    }
                    return null;
                }));
                answers.add(CompletableFuture.supplyAsync(() -> read(client, frames), pool));
            }
            for (java.util.concurrent.Future<?> writer : writers) {
                writer.get(Timeouts.ANSWER.toSeconds() * 3, TimeUnit.SECONDS); // the server read every frame
            }
            server.openGate(); // the frames the gate holds are answered now; the others were answered already
            for (CompletableFuture<Map<Long, String>> session : answers) {
                Map<Long, String> byIndex = session.get(Timeouts.ANSWER.toSeconds() * 3, TimeUnit.SECONDS);
                assertThat(byIndex.keySet()).as("every frame answered once: %s", byIndex).hasSize(frames);
                assertThat(byIndex.values()).as("results and dropped notices only: %s", byIndex)
                        .allMatch(text -> text.contains("\"result\"") || text.contains("\"dropped\":true"));
            }
            assertThat(answers.stream().flatMap(a -> a.join().values().stream()))
                    .as("frames were dropped").anyMatch(text -> text.contains("\"dropped\":true"));
            for (RawWebSocket client : senders) {
                client.write(RawWebSocket.masked(RawWebSocket.FINAL_BINARY, SampleFrames.coffee()));
                assertThat(client.readFrame().text()).as("the session goes on")
                        .startsWith("{\"frame_index\":" + (frames + 1) + ",\"result\"");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** @return the session's answers by frame index, until {@code frames} arrived; fails on a close or an error */
    private static Map<Long, String> read(RawWebSocket client, int frames) {
        Map<Long, String> byIndex = new TreeMap<>();
        try {
            while (byIndex.size() < frames) {
                RawWebSocket.Frame answer = client.readFrame();
                assertThat(answer.opcode()).as("a text answer, not %s", answer).isEqualTo(RawWebSocket.TEXT);
                String text = answer.text();
                assertThat(text).as("no error").doesNotContain("\"error\"");
                int at = text.indexOf("\"frame_index\":") + "\"frame_index\":".length();
                long index = Long.parseLong(text.substring(at, text.indexOf(',', at)));
                assertThat(byIndex.put(index, text)).as("frame %d answered twice", index).isNull();
            }
            return byIndex;
        } catch (IOException e) {
            throw new AssertionError("the session was cut after " + byIndex.size() + " answers: " + e, e);
        }
    }
}
