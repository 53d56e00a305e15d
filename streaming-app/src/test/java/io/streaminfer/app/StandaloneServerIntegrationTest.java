package io.streaminfer.app;

import io.streaminfer.tck.SampleFrames;
import io.streaminfer.tck.Timeouts;
import io.streaminfer.protocol.StreamAnswer;
import io.streaminfer.tyrus.StreamClient;
import jakarta.websocket.CloseReason.CloseCodes;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The standalone server over real sockets on each runtime, driven by the Tyrus client (the JDK
 * client runs the protocol kit).
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(ServerSettings.Transport.class)
class StandaloneServerIntegrationTest {

    private static final int LIMIT = 5 * 1024 * 1024;

    private static StreamingServer server;
    private static StreamClient client;

    @Parameter
    ServerSettings.Transport runtime;

    @BeforeParameterizedClassInvocation
    static void start(ServerSettings.Transport runtime) {
        server = TestServers.start(runtime, Map.of());
        client = StreamClient.create(URI.create("ws://127.0.0.1:" + server.port()));
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        client.close();
        server.close();
    }

    @Test
    @DisplayName("connect, stream a few frames, disconnect: the session is gone from the server")
    void connectAndDisconnect() throws Exception {
        try (StreamClient.Stream stream = client.open("noop")) {
            for (int i = 1; i <= 3; i++) {
                stream.send(SampleFrames.astronaut());
                StreamAnswer answer = stream.next(Timeouts.ANSWER);
                assertThat(answer.kind()).isEqualTo(StreamAnswer.Kind.RESULT);
                assertThat(answer.frameIndex()).isEqualTo(i);
            }
        }
        await().atMost(Timeouts.CLOSE).until(() -> server.engine().activeSessions() == 0);
    }

    @Test
    void missingPipelineId() throws Exception {
        assertRefused(null, "invalid_pipeline", CloseCodes.VIOLATED_POLICY, "pipeline_id is missing");
    }

    @Test
    void unknownPipelineId() throws Exception {
        assertRefused("licence_plates", "invalid_pipeline", CloseCodes.VIOLATED_POLICY, "unknown pipeline 'licence_plates'");
    }

    @Test
    void textMessage() throws Exception {
        try (StreamClient.Stream stream = client.open("noop")) {
            stream.sendText("hello");

            assertThat(stream.next(Timeouts.ANSWER).error()).isEqualTo("invalid_message");
            assertThat(stream.awaitClose(Timeouts.CLOSE).getCloseCode()).isEqualTo(CloseCodes.CANNOT_ACCEPT);
        }
    }

    @Test
    void invalidFrame() throws Exception {
        assertFrameRefused(SampleFrames.garbage(5000), "invalid_frame", CloseCodes.NOT_CONSISTENT);
    }

    @Test
    void truncatedJpeg() throws Exception {
        assertFrameRefused(SampleFrames.truncated(), "invalid_frame", CloseCodes.NOT_CONSISTENT);
    }

    @Test
    void frameOfExactlyTheLimitIsAccepted() throws Exception {
        try (StreamClient.Stream stream = client.open("noop")) {
            stream.send(SampleFrames.paddedTo(SampleFrames.coffee(), LIMIT));

            StreamAnswer answer = stream.next(Timeouts.ANSWER);

            assertThat(answer.kind()).isEqualTo(StreamAnswer.Kind.RESULT);
            assertThat(answer.json().at("/result/noop/bytes").asInt()).isEqualTo(LIMIT);
        }
    }

    @Test
    void frameOneByteOverTheLimit() throws Exception {
        assertFrameRefused(SampleFrames.paddedTo(SampleFrames.coffee(), LIMIT + 1), "frame_too_large", CloseCodes.TOO_BIG);
    }

    @Test
    void sixMegabyteFrame() throws Exception {
        assertFrameRefused(SampleFrames.paddedTo(SampleFrames.coffee(), 6_000_000), "frame_too_large", CloseCodes.TOO_BIG);
    }

    @Test
    @DisplayName("many sessions at once each get all their answers, in order")
    void manySessionsAtOnce() throws Exception {
        int sessions = 40;
        int frames = 10;
        ExecutorService pool = Executors.newFixedThreadPool(sessions);
        try {
            List<CompletableFuture<List<Long>>> runs = new ArrayList<>();
            for (int s = 0; s < sessions; s++) {
                runs.add(CompletableFuture.supplyAsync(() -> streamAndCollect(frames), pool));
            }
            for (CompletableFuture<List<Long>> run : runs) {
                assertThat(run.get(60, TimeUnit.SECONDS)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
            }
        } finally {
            pool.shutdownNow();
        }
        await().atMost(Timeouts.CLOSE).until(() -> server.engine().activeSessions() == 0);
    }

    @Test
    @DisplayName("a client that disconnects mid-stream is cleaned up and others keep being served")
    void disconnectMidStream() throws Exception {
        StreamClient.Stream leaving = client.open("delay");
        for (int i = 0; i < 10; i++) {
            leaving.send(SampleFrames.coffee());
        }
        leaving.close();

        try (StreamClient.Stream staying = client.open("noop")) {
            staying.send(SampleFrames.coffee());
            assertThat(staying.next(Timeouts.ANSWER).kind()).isEqualTo(StreamAnswer.Kind.RESULT);
        }
        await().atMost(Timeouts.CLOSE).until(() -> server.engine().activeSessions() == 0);
    }

    @Test
    @DisplayName("beyond STREAM_MAX_SESSIONS the next client gets server_busy and close 1013")
    void serverBusy() throws Exception {
        try (StreamingServer small = TestServers.start(runtime, Map.of("STREAM_MAX_SESSIONS", "2"));
             StreamClient smallClient = StreamClient.create(URI.create("ws://127.0.0.1:" + small.port()));
             StreamClient.Stream first = smallClient.open("noop");
             StreamClient.Stream second = smallClient.open("noop")) {
            await().atMost(Timeouts.CLOSE).until(() -> small.engine().activeSessions() == 2);

            StreamClient.Stream third = smallClient.open("noop");

            StreamAnswer refusal = third.next(Timeouts.ANSWER);
            assertThat(refusal.error()).isEqualTo("server_busy");
            assertThat(third.awaitClose(Timeouts.CLOSE).getCloseCode().getCode()).isEqualTo(1013);
            assertThat(first.isOpen() && second.isOpen()).isTrue();
        }
    }

    private static List<Long> streamAndCollect(int frames) {
        try (StreamClient.Stream stream = client.open("noop")) {
            List<Long> indexes = new ArrayList<>();
            for (int f = 0; f < frames; f++) {
                stream.send(SampleFrames.qrScene());
                indexes.add(stream.next(Timeouts.ANSWER).frameIndex());
            }
            return indexes;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void assertRefused(String pipelineId, String code, CloseCodes closeCode, String detail) throws Exception {
        try (StreamClient.Stream stream = client.open(pipelineId)) {
            StreamAnswer answer = stream.next(Timeouts.ANSWER);

            assertThat(answer.error()).isEqualTo(code);
            assertThat(answer.json().get("detail").asText()).contains(detail).contains("noop", "delay");
            assertThat(stream.awaitClose(Timeouts.CLOSE).getCloseCode()).isEqualTo(closeCode);
        }
    }

    private static void assertFrameRefused(byte[] frame, String code, CloseCodes closeCode) throws Exception {
        try (StreamClient.Stream stream = client.open("noop")) {
            stream.trySend(frame); // an oversized frame may be refused while it is still being written

            StreamAnswer answer = stream.next(Timeouts.ANSWER);

            assertThat(answer.error()).isEqualTo(code);
            assertThat(answer.frameIndex()).isEqualTo(1);
            assertThat(stream.awaitClose(Timeouts.CLOSE).getCloseCode()).isEqualTo(closeCode);
        }
    }
}
