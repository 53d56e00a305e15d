package io.streaminfer.sinks;

import io.streaminfer.tck.Mosquitto;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The MQTT sink against a real Mosquitto on 127.0.0.1 and a real Paho subscriber. Skipped, with
 * the reason, where Mosquitto is not installed; .ci/run installs it.
 */
@Timeout(120)
class MqttSinkIntegrationTest {

    private static int clients;

    @TempDir
    Path dir;

    private Mosquitto broker;
    private final LogCapture logs = new LogCapture();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final String clientId = "sink-it-" + ++clients;

    @BeforeEach
    void startBroker() throws Exception {
        Mosquitto.assumeInstalled();
        broker = Mosquitto.start(dir);
    }

    @AfterEach
    void stopAll() throws Exception {
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
        if (broker != null) {
            broker.close();
        }
        logs.close();
    }

    private EventSink sink(Map<String, Object> config) {
        EventSink sink = Sinks.create(config, SinkTimeouts.FAST_BACKOFF);
        toClose.add(0, sink);
        return sink;
    }

    private MqttSubscriber subscriber() throws Exception {
        MqttSubscriber subscriber = new MqttSubscriber(broker.url(), "streams/#");
        toClose.add(subscriber);
        return subscriber;
    }

    private static List<Integer> range(int first, int last) {
        return IntStream.rangeClosed(first, last).boxed().toList();
    }

    @Test
    @DisplayName("200 events published at QoS 1 all reach a subscriber, in order, as the JSON of each map, on the filled topic")
    void deliversInOrder() throws Exception {
        MqttSubscriber subscriber = subscriber();
        EventSink sink = sink(Map.of("sink", "mqtt", "url", broker.url(), "qos", 1, "client_id", clientId,
                "topic", "streams/{pipeline_id}/{session_id}/events"));

        IntStream.rangeClosed(1, 200).forEach(i -> sink.publish(TestEvents.zoneEvent(i)));

        await().atMost(SinkTimeouts.DELIVERY).until(() -> subscriber.received().size() >= 200);
        assertThat(subscriber.indexes()).containsExactlyElementsOf(range(1, 200));
        MqttSubscriber.Received first = subscriber.received().get(0);
        assertThat(first.topic()).isEqualTo("streams/people/s-1/events");
        assertThat(first.qos()).isEqualTo(1);
        assertThat(TestEvents.decode(first.payload())).isEqualTo(TestEvents.zoneEvent(1));
        assertThat(sink.stats().sent()).isEqualTo(200);
        assertThat(sink.stats().failed()).isZero();
        assertThat(sink.stats().dropped()).isZero();
        assertThat(sink.stats().connected()).isTrue();
        assertThat(logs.count(Level.INFO, "is up")).isEqualTo(1);
    }

    @ParameterizedTest(name = "QoS {0}")
    @ValueSource(ints = {0, 2})
    @DisplayName("QoS 0 and 2 deliver too, at the QoS configured")
    void otherQos(int qos) throws Exception {
        MqttSubscriber subscriber = subscriber();
        EventSink sink = sink(Map.of("sink", "mqtt", "url", broker.url(), "qos", qos, "client_id", clientId));

        IntStream.rangeClosed(1, 20).forEach(i -> sink.publish(TestEvents.zoneEvent(i)));

        await().atMost(SinkTimeouts.DELIVERY).until(() -> subscriber.received().size() >= 20);
        assertThat(subscriber.indexes()).containsExactlyElementsOf(range(1, 20));
        assertThat(subscriber.received().get(0).topic()).isEqualTo("streams/people/events");
        assertThat(subscriber.received()).extracting(MqttSubscriber.Received::qos).containsOnly(qos);
    }

    @Test
    @DisplayName("Credentials in the URL reach the broker and appear in no log line or description")
    void credentialsStayHidden() throws Exception {
        MqttSubscriber subscriber = subscriber();
        EventSink sink = sink(Map.of("sink", "mqtt", "url", broker.url("camera:s3cr3t-pw"), "client_id", clientId));

        sink.publish(TestEvents.zoneEvent(1));

        await().atMost(SinkTimeouts.DELIVERY).until(() -> subscriber.received().size() >= 1);
        assertThat(sink.describe()).contains("camera:***@127.0.0.1").doesNotContain("s3cr3t");
        assertThat(logs.messages()).isNotEmpty().noneMatch(line -> line.contains("s3cr3t"));
        assertThat(broker.log()).contains("u'camera'"); // the broker saw the user name from the URL
    }

    @Test
    @DisplayName("While the broker is down publish returns, failures and drops are counted; the sink comes back by itself")
    void survivesBrokerRestart() throws Exception {
        MqttSubscriber before = subscriber();
        EventSink sink = sink(Map.of("sink", "mqtt", "url", broker.url(), "client_id", clientId, "queue_capacity", 10));
        IntStream.rangeClosed(1, 5).forEach(i -> sink.publish(TestEvents.zoneEvent(i)));
        await().atMost(SinkTimeouts.DELIVERY).until(() -> before.received().size() >= 5);

        broker.stop();
        await().atMost(SinkTimeouts.DELIVERY).until(() -> !sink.stats().connected());
        IntStream.rangeClosed(6, 55).forEach(i -> sink.publish(TestEvents.zoneEvent(i))); // returns: nothing waits for the broker

        await().atMost(SinkTimeouts.DELIVERY).until(() -> sink.stats().failed() >= 3);
        SinkStats stats = sink.stats();
        assertThat(stats.sent()).isEqualTo(5);
        assertThat(stats.dropped()).isGreaterThanOrEqualTo(39); // 50 published into room for 10, plus one being tried
        assertThat(stats.dropped() + stats.queueLength()).isEqualTo(50);
        assertThat(logs.count(Level.WARNING, "is down")).isEqualTo(1);

        broker.start();
        await().atMost(SinkTimeouts.DELIVERY).until(() -> stats.queueLength() == 0 && stats.sent() == 55 - stats.dropped());
        MqttSubscriber after = subscriber();
        IntStream.rangeClosed(56, 60).forEach(i -> sink.publish(TestEvents.zoneEvent(i)));

        await().atMost(SinkTimeouts.DELIVERY).until(() -> after.indexes().containsAll(range(56, 60)));
        assertThat(after.indexes()).isSorted().doesNotHaveDuplicates();
        assertThat(stats.connected()).isTrue();
        assertThat(logs.count(Level.WARNING, "is down")).isEqualTo(1);
        assertThat(logs.count(Level.INFO, "is up again after")).isEqualTo(1);
        assertThat(logs.count(Level.INFO, "; " + stats.dropped() + " events dropped meanwhile")).isEqualTo(1);
    }

    @Test
    @DisplayName("close() leaves no sender thread and no Paho thread of the sink's client")
    void closeLeavesNoThreads() throws Exception {
        MqttSubscriber subscriber = subscriber();
        EventSink sink = Sinks.create(Map.of("sink", "mqtt", "url", broker.url(), "client_id", clientId),
                SinkTimeouts.FAST_BACKOFF);
        sink.publish(TestEvents.zoneEvent(1));
        await().atMost(SinkTimeouts.DELIVERY).until(() -> subscriber.received().size() >= 1);
        assertThat(SinkThreads.alive(clientId)).isNotEmpty();

        sink.close();

        assertThat(SinkThreads.alive(clientId)).isEmpty();
        assertThat(sink.stats().connected()).isFalse();
    }
}
