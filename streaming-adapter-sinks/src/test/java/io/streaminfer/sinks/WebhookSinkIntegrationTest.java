package io.streaminfer.sinks;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The webhook sink against a real HTTP server on 127.0.0.1. */
@Timeout(120)
class WebhookSinkIntegrationTest {

    private WebhookReceiver receiver;
    private final LogCapture logs = new LogCapture();
    private final List<EventSink> sinks = new ArrayList<>();

    @BeforeEach
    void startReceiver() throws Exception {
        receiver = WebhookReceiver.start();
    }

    @AfterEach
    void stopAll() {
        sinks.forEach(EventSink::close);
        receiver.close();
        logs.close();
    }

    private EventSink sink(Map<String, Object> config) {
        EventSink sink = Sinks.create(config, SinkTimeouts.FAST_BACKOFF);
        sinks.add(sink);
        return sink;
    }

    private EventSink sink() {
        return sink(Map.of("sink", "webhook", "url", receiver.url(), "timeout_ms", 5000));
    }

    private static List<Integer> range(int first, int last) {
        return IntStream.rangeClosed(first, last).boxed().toList();
    }

    @Test
    @DisplayName("Events are POSTed in order as application/json with the configured headers")
    void postsInOrderWithHeaders() {
        EventSink sink = sink(Map.of("sink", "webhook", "url", receiver.url(),
                "headers", Map.of("Authorization", "Bearer t0k3n", "X-Team", "red")));

        IntStream.rangeClosed(1, 100).forEach(i -> sink.publish(TestEvents.zoneEvent(i)));

        await().atMost(SinkTimeouts.DELIVERY).until(() -> sink.stats().sent() == 100);
        assertThat(receiver.indexes()).containsExactlyElementsOf(range(1, 100));
        WebhookReceiver.Request first = receiver.requests().get(0);
        assertThat(first.method()).isEqualTo("POST");
        assertThat(first.path()).isEqualTo("/hook");
        assertThat(first.headers().getFirst("Content-Type")).isEqualTo("application/json");
        assertThat(first.headers().getFirst("Authorization")).isEqualTo("Bearer t0k3n");
        assertThat(first.headers().getFirst("X-Team")).isEqualTo("red");
        assertThat(TestEvents.decode(first.body())).isEqualTo(TestEvents.zoneEvent(1));
        assertThat(sink.stats().failed()).isZero();
        assertThat(sink.stats().connected()).isTrue();
        assertThat(sink.describe()).doesNotContain("t0k3n");
        assertThat(logs.messages()).noneMatch(line -> line.contains("t0k3n"));
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {500, 503, 408, 429})
    @DisplayName("An event answered with a retryable status is sent again until a 2xx; later events wait behind it")
    void retriesUntilAccepted(int status) {
        AtomicInteger refusals = new AtomicInteger(3);
        receiver.answer(request -> refusals.getAndDecrement() > 0 ? status : 200);
        EventSink sink = sink();

        sink.publish(TestEvents.zoneEvent(1));
        sink.publish(TestEvents.zoneEvent(2));

        await().atMost(SinkTimeouts.DELIVERY).until(() -> sink.stats().sent() == 2);
        assertThat(receiver.indexes()).containsExactly(1, 1, 1, 1, 2);
        assertThat(receiver.requests()).extracting(WebhookReceiver.Request::status).containsExactly(status, status, status, 200, 200);
        assertThat(sink.stats().failed()).isEqualTo(3);
        assertThat(logs.count(Level.WARNING, "is down: HTTP " + status)).isEqualTo(1);
        assertThat(logs.count(Level.INFO, "is up again after 3 failed attempts")).isEqualTo(1);
    }

    @Test
    @DisplayName("An event answered 400 is dropped after one try and counted as failed; the next one goes through")
    void dropsRejectedEvent() {
        receiver.answer(request -> request.index() == 1 || request.index() == 3 ? 400 : 200);
        EventSink sink = sink();

        IntStream.rangeClosed(1, 4).forEach(i -> sink.publish(TestEvents.zoneEvent(i)));

        await().atMost(SinkTimeouts.DELIVERY).until(() -> sink.stats().sent() == 2);
        assertThat(receiver.indexes()).containsExactly(1, 2, 3, 4); // each once: in order, so 1 and 3 were never retried
        assertThat(sink.stats().failed()).isEqualTo(2);
        assertThat(sink.stats().queueLength()).isZero();
        assertThat(logs.count(Level.WARNING, "rejected an event (HTTP 400)")).isEqualTo(1);
        assertThat(logs.count(Level.WARNING, "is down")).isZero();
    }

    @Test
    @DisplayName("While the endpoint is down publish returns and counts; when it is back the sink delivers by itself")
    void survivesEndpointRestart() throws Exception {
        EventSink sink = sink(Map.of("sink", "webhook", "url", receiver.url(), "queue_capacity", 10));
        sink.publish(TestEvents.zoneEvent(1));
        await().atMost(SinkTimeouts.DELIVERY).until(() -> sink.stats().sent() == 1);

        receiver.stop();
        IntStream.rangeClosed(2, 51).forEach(i -> sink.publish(TestEvents.zoneEvent(i)));

        await().atMost(SinkTimeouts.DELIVERY).until(() -> sink.stats().failed() >= 3);
        assertThat(sink.stats().connected()).isFalse();
        assertThat(sink.stats().dropped()).isGreaterThanOrEqualTo(39);
        assertThat(sink.stats().dropped() + sink.stats().queueLength()).isEqualTo(50);

        receiver.restart();
        await().atMost(SinkTimeouts.DELIVERY).until(() -> sink.stats().queueLength() == 0);
        assertThat(sink.stats().sent()).isEqualTo(51 - sink.stats().dropped());
        assertThat(receiver.indexes()).isSorted().doesNotHaveDuplicates().contains(51);
        assertThat(logs.count(Level.WARNING, "is down")).isEqualTo(1);
        assertThat(logs.count(Level.INFO, "is up again after")).isEqualTo(1);
    }

    @Test
    @DisplayName("A sink that is down is logged with its endpoint's host and port: never the secret in its path or query")
    void downLineHidesPathAndQuery() {
        String shown = "http://127.0.0.1:" + receiver.port();
        receiver.stop();
        EventSink sink = sink(Map.of("sink", "webhook", "url", shown + "/services/T000/B000/PATHSECRET?pwd=QUERYSECRET",
                "timeout_ms", 5000));

        sink.publish(TestEvents.zoneEvent(1));

        await().atMost(SinkTimeouts.DELIVERY).until(() -> logs.count(Level.WARNING, "is down") == 1);
        assertThat(logs.messages()).filteredOn(line -> line.contains("is down"))
                .singleElement().asString().contains("webhook " + shown + "/***?***");
        assertThat(logs.messages()).noneMatch(line -> line.contains("SECRET"));
        assertThat(sink.describe()).doesNotContain("SECRET");
    }

    /** More than any answer the sink may read: an endpoint answering this much per event must not be downloaded. */
    private static final long HUGE_ANSWER_BYTES = 256L * 1024 * 1024;
    /**
     * What the answering server may manage to write before it notices the dropped connection:
     * the read limit plus what the kernel's socket buffers on both sides take in (a few MiB on loopback).
     */
    private static final long WRITTEN_AT_MOST = 32L * 1024 * 1024;

    @ParameterizedTest(name = "chunked {0}")
    @ValueSource(booleans = {true, false})
    @DisplayName("An endpoint answering 256 MiB per event is not downloaded: the sink reads a few KiB, drops the connection, counts the event sent")
    void hugeAnswersAreNotDownloaded(boolean chunked) throws Exception {
        List<Long> written = new CopyOnWriteArrayList<>();
        HttpServer endpoint = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        endpoint.setExecutor(Executors.newCachedThreadPool());
        endpoint.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            long sent = 0;
            try (OutputStream body = exchange.getResponseBody()) {
                exchange.sendResponseHeaders(200, chunked ? 0 : HUGE_ANSWER_BYTES);
                byte[] chunk = new byte[64 * 1024];
                while (sent < HUGE_ANSWER_BYTES) {
                    body.write(chunk);
                    sent += chunk.length;
                }
            } catch (IOException e) { // the sink dropped the connection: what this test wants
                exchange.close();
            } finally {
                written.add(sent);
            }
        });
        endpoint.start();
        try {
            EventSink sink = sink(Map.of("sink", "webhook", "url",
                    "http://127.0.0.1:" + endpoint.getAddress().getPort() + "/hook", "timeout_ms", 5000));

            sink.publish(TestEvents.zoneEvent(1));
            sink.publish(TestEvents.zoneEvent(2));

            await().atMost(SinkTimeouts.DELIVERY).until(() -> sink.stats().sent() == 2);
            await().atMost(SinkTimeouts.DELIVERY).until(() -> written.size() == 2); // both answers ended, by the sink's hand
            assertThat(written).allSatisfy(bytes -> assertThat(bytes).isLessThan(WRITTEN_AT_MOST));
            assertThat(sink.stats().failed()).isZero();
        } finally {
            endpoint.stop(0);
            ((java.util.concurrent.ExecutorService) endpoint.getExecutor()).shutdownNow();
        }
    }

    @Test
    @DisplayName("an answer that trickles its body a byte at a time is given up after twice the timeout, and the next event goes out")
    void tricklingAnswerIsGivenUp() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        HttpServer endpoint = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        endpoint.setExecutor(Executors.newCachedThreadPool());
        endpoint.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            if (requests.incrementAndGet() > 1) {
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
                return;
            }
            try (OutputStream body = exchange.getResponseBody()) {
                exchange.sendResponseHeaders(200, 0);
                // one byte, then nothing until the test ends: well under the 4 KiB the sink would read
                body.write('{');
                body.flush();
                release.await(SinkTimeouts.DELIVERY.toMillis(), TimeUnit.MILLISECONDS);
            } catch (IOException e) { // the sink dropped the connection
                exchange.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        endpoint.start();
        try {
            EventSink sink = sink(Map.of("sink", "webhook", "url",
                    "http://127.0.0.1:" + endpoint.getAddress().getPort() + "/hook", "timeout_ms", 300));

            sink.publish(TestEvents.zoneEvent(1));
            sink.publish(TestEvents.zoneEvent(2));

            // without the deadline the first answer holds the sender until the endpoint lets go
            await().atMost(SinkTimeouts.DELIVERY.dividedBy(2)).until(() -> sink.stats().sent() >= 1);
            assertThat(requests.get()).as("the first event was retried or the second sent").isGreaterThan(1);
        } finally {
            release.countDown();
            endpoint.stop(0);
            ((java.util.concurrent.ExecutorService) endpoint.getExecutor()).shutdownNow();
        }
    }

    @Test
    @DisplayName("close() leaves no sender thread")
    void closeLeavesNoThreads() {
        EventSink sink = Sinks.create(Map.of("sink", "webhook", "url", receiver.url()), SinkTimeouts.FAST_BACKOFF);
        sink.publish(TestEvents.zoneEvent(1));
        await().atMost(SinkTimeouts.DELIVERY).until(() -> sink.stats().sent() == 1);
        assertThat(SinkThreads.alive(null)).isNotEmpty();

        sink.close();

        assertThat(SinkThreads.alive(null)).isEmpty();
    }
}
