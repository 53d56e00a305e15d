package io.streaminfer.sinks;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@Timeout(60)
class QueuedSinkTest {

    /** Short but real: the outcomes are scripted, the waits only space the attempts. */
    private static final Backoff TINY = new Backoff(Duration.ofMillis(1), Duration.ofMillis(2));

    private final ScriptedDelivery delivery = new ScriptedDelivery();
    private final LogCapture logs = new LogCapture();
    private QueuedSink sink;

    @AfterEach
    void closeSink() {
        if (sink != null) {
            sink.close();
        }
        logs.close();
    }

    private QueuedSink start(int capacity) {
        sink = new QueuedSink(delivery, capacity, false, TINY).start();
        return sink;
    }

    private void awaitAttempts(int count) {
        await().atMost(SinkTimeouts.DELIVERY).until(() -> delivery.attempted().size() >= count);
    }

    @Test
    @DisplayName("Events are sent one at a time in the order they were published, as the JSON of the map")
    void sendsInOrder() {
        start(1000);
        delivery.then(IntStream.range(0, 50).mapToObj(i -> Attempt.delivered()).toArray(Attempt[]::new));

        IntStream.rangeClosed(1, 50).forEach(i -> sink.publish(TestEvents.zoneEvent(i)));

        await().atMost(SinkTimeouts.DELIVERY).until(() -> sink.stats().sent() == 50);
        assertThat(delivery.attemptedIndexes()).containsExactlyElementsOf(IntStream.rangeClosed(1, 50).boxed().toList());
        assertThat(TestEvents.decode(delivery.attempted().get(0))).isEqualTo(TestEvents.zoneEvent(1));
        assertThat(sink.stats().queueLength()).isZero();
        assertThat(sink.stats().failed()).isZero();
        assertThat(sink.stats().dropped()).isZero();
    }

    @Test
    @DisplayName("publish returns while a send hangs; a full queue drops its oldest events and counts them")
    void publishNeverWaitsForTheSender() {
        start(5);
        sink.publish(TestEvents.zoneEvent(1));
        awaitAttempts(1); // event 1 is on the wire and the delivery does not answer

        IntStream.rangeClosed(2, 20).forEach(i -> sink.publish(TestEvents.zoneEvent(i)));

        assertThat(sink.stats().dropped()).isEqualTo(14); // 2..15 evicted: 16..20 wait behind event 1
        assertThat(sink.stats().queueLength()).isEqualTo(6);
        delivery.then(Attempt.delivered(), Attempt.delivered(), Attempt.delivered(), Attempt.delivered(),
                Attempt.delivered(), Attempt.delivered());
        await().atMost(SinkTimeouts.DELIVERY).until(() -> sink.stats().sent() == 6);
        assertThat(delivery.attemptedIndexes()).containsExactly(1, 16, 17, 18, 19, 20);
        assertThat(sink.stats().queueLength()).isZero();
    }

    @Test
    @DisplayName("A failed send is retried until it goes through; down and up again are logged once each")
    void retriesAndLogsStateChangesOnce() {
        start(100);
        delivery.then(Attempt.delivered());
        sink.publish(TestEvents.zoneEvent(1));
        await().atMost(SinkTimeouts.DELIVERY).until(() -> sink.stats().sent() == 1);

        delivery.then(Attempt.retry("broker gone"), Attempt.retry("broker gone"), Attempt.retry("broker gone"),
                Attempt.retry("broker gone"), Attempt.retry("broker gone"), Attempt.delivered(), Attempt.delivered());
        sink.publish(TestEvents.zoneEvent(2));
        sink.publish(TestEvents.zoneEvent(3));

        await().atMost(SinkTimeouts.DELIVERY).until(() -> sink.stats().sent() == 3);
        assertThat(delivery.attemptedIndexes()).containsExactly(1, 2, 2, 2, 2, 2, 2, 3);
        assertThat(sink.stats().failed()).isEqualTo(5);
        assertThat(logs.messages()).satisfiesExactly(
                first -> assertThat(first).isEqualTo("INFO event sink scripted is up"),
                down -> assertThat(down).startsWith("WARNING event sink scripted is down: broker gone; retrying"),
                back -> assertThat(back).isEqualTo("INFO event sink scripted is up again after 5 failed attempts;"
                        + " 0 events dropped meanwhile"));
    }

    @Test
    @DisplayName("A rejected event is counted as failed and not retried; each reason is logged once")
    void rejectedEventIsNotRetried() {
        start(100);
        delivery.then(Attempt.rejected("HTTP 400"), Attempt.rejected("HTTP 400"), Attempt.delivered());

        IntStream.rangeClosed(1, 3).forEach(i -> sink.publish(TestEvents.zoneEvent(i)));

        await().atMost(SinkTimeouts.DELIVERY).until(() -> sink.stats().sent() == 1);
        assertThat(delivery.attemptedIndexes()).containsExactly(1, 2, 3);
        assertThat(sink.stats().failed()).isEqualTo(2);
        assertThat(sink.stats().dropped()).isZero();
        assertThat(logs.count(Level.WARNING, "rejected an event (HTTP 400)")).isEqualTo(1);
    }

    @Test
    @DisplayName("An event that cannot be encoded counts as failed, is logged once, and the next one is sent")
    void unencodableEventDoesNotStopTheSink() {
        start(100);
        Map<String, Object> broken = new HashMap<>(TestEvents.zoneEvent(1));
        broken.put("zone", new Object()); // Jackson has no serializer for a bare Object

        sink.publish(broken);
        sink.publish(null);
        delivery.then(Attempt.delivered());
        sink.publish(TestEvents.zoneEvent(2));

        await().atMost(SinkTimeouts.DELIVERY).until(() -> sink.stats().sent() == 1);
        assertThat(delivery.attemptedIndexes()).containsExactly(2);
        assertThat(sink.stats().failed()).isEqualTo(2);
        assertThat(logs.count(Level.WARNING, "cannot encode an event")).isEqualTo(1);
    }

    @Test
    @DisplayName("close() ends the sender thread, even during a send, and counts unsent events as dropped")
    void closeEndsTheThread() {
        start(100);
        IntStream.rangeClosed(1, 3).forEach(i -> sink.publish(TestEvents.zoneEvent(i)));
        awaitAttempts(1);

        sink.close();

        assertThat(SinkThreads.alive(null)).isEmpty();
        assertThat(delivery.closed()).isTrue();
        assertThat(sink.stats().dropped()).isEqualTo(3);
        assertThat(sink.stats().failed()).isZero();
        assertThat(sink.stats().queueLength()).isZero();
        sink.publish(TestEvents.zoneEvent(4));
        assertThat(sink.stats().dropped()).isEqualTo(4);
        sink.close(); // idempotent
    }
}
