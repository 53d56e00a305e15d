package io.streaminfer.examples;

import io.streaminfer.tck.ServerUnderTest;
import io.streaminfer.tck.KitSettings;
import io.streaminfer.tck.HostVariants;
import io.streaminfer.protocol.AccessPolicy;
import io.streaminfer.pipeline.PipelineOptions;
import com.fasterxml.jackson.databind.JsonNode;
import io.streaminfer.tck.ProtocolClient;
import io.streaminfer.tck.SampleFrames;
import io.streaminfer.tck.StreamingProtocolCompatibilityKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Example 1b runs: the whole wire protocol kit passes against the endpoint hosted in "your"
 * embedded Tomcat, next to your servlet; Tomcat refuses overlapping asynchronous sends on one
 * session, so a flood that makes dropped notices and results leave back to back shows that the
 * engine sends one message at a time.
 */
class TomcatHostingIntegrationTest extends StreamingProtocolCompatibilityKit {

    private static final LogCapture LOGS = new LogCapture();

    @BeforeAll
    static void captureLogs() {
        LOGS.start();
    }

    @AfterAll
    static void releaseLogs() {
        LOGS.stop();
    }

    @Override
    protected ServerUnderTest start(KitSettings settings) throws Exception {
        TomcatHosting server = TomcatHosting.start(0, settings.stream(),
                new PipelineOptions(settings.pipelineDelay(), settings.stream().maxFramePixels()),
                settings.authToken().map(token -> AccessPolicy.of(Set.of(), false, token)).orElse(AccessPolicy.open()));
        URI streamUri = URI.create("ws://127.0.0.1:" + server.port() + "/ws/video/stream");
        return ServerUnderTest.of(streamUri, grace -> server.stop(grace));
    }

    @Override
    protected HostVariants variants() {
        // Tomcat handles RFC 6455 violations itself: its 1002 close frame is now and then lost to the reset that follows
        return HostVariants.errorsAfterUpgrade().withViolationCloseMayBeLost();
    }

    @Test
    @DisplayName("the application's own servlet still answers next to the endpoint")
    void ownServletAnswers() throws Exception {
        HttpResponse<String> hello = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server().streamUri().getPort() + "/hello")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(hello.body()).isEqualTo("hello from my app");
    }

    @Test
    @DisplayName("flooded delay sessions get every frame answered once, results in order, and Tomcat never refuses a send")
    void floodIsAnsweredWithoutOverlappingSends() throws Exception {
        int sessions = 4;
        int framesEach = 300;
        ExecutorService pool = Executors.newFixedThreadPool(sessions);
        try {
            List<CompletableFuture<int[]>> runs = new ArrayList<>();
            for (int s = 0; s < sessions; s++) {
                runs.add(CompletableFuture.supplyAsync(() -> flood(framesEach), pool));
            }
            int dropped = 0;
            int results = 0;
            for (CompletableFuture<int[]> run : runs) {
                int[] counts = run.get(framesEach * 2L, TimeUnit.SECONDS); // bounds a failure only
                results += counts[0];
                dropped += counts[1];
            }
            assertThat(results + dropped).isEqualTo(sessions * framesEach);
            assertThat(dropped).as("dropped notices went out beside results").isPositive();
            assertThat(results).isPositive();
        } finally {
            pool.shutdownNow();
        }
        assertThat(LOGS.problems()).as("sends refused with IllegalStateException").isEmpty();
    }

    private int[] flood(int frames) {
        try (ProtocolClient client = connect("delay")) {
            byte[] jpeg = SampleFrames.coffee();
            for (int i = 0; i < frames; i++) {
                client.sendBinary(jpeg);
            }
            List<JsonNode> answers = collectAnswers(client, frames);
            Set<Long> indexes = new HashSet<>();
            List<Long> resultIndexes = new ArrayList<>();
            int dropped = 0;
            for (JsonNode answer : answers) {
                long index = answer.get("frame_index").asLong();
                assertThat(indexes.add(index)).as("frame %d answered twice", index).isTrue();
                if (answer.has("dropped")) {
                    dropped++;
                } else {
                    assertThat(answer.has("result")).as("answer %s", answer).isTrue();
                    resultIndexes.add(index);
                }
            }
            assertThat(indexes).hasSize(frames);
            assertThat(resultIndexes).isSorted().contains((long) frames); // the newest frame wins: the last one gets a result
            return new int[] {resultIndexes.size(), dropped};
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    @DisplayName("while the engine drains, Tomcat (no 503 through the Jakarta API) upgrades and answers server_busy, then 1013")
    void drainingIsServerBusy() throws Exception {
        try (TomcatHosting draining = TomcatHosting.start(0)) {
            draining.engine().shutdown(Duration.ZERO);
            try (ProtocolClient client = ProtocolClient.connect(
                    URI.create("ws://127.0.0.1:" + draining.port() + "/ws/video/stream?pipeline_id=noop"))) {
                JsonNode refusal = client.next();

                assertThat(refusal.get("error").asText()).isEqualTo("server_busy");
                assertThat(client.awaitClose()).isEqualTo(1013);
            }
        }
    }
}
