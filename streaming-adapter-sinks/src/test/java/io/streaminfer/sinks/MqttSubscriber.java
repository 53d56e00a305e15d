package io.streaminfer.sinks;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A Paho client that subscribes to a topic filter at QoS 2 (so messages keep the QoS they were published with) and keeps what arrives, in order. */
final class MqttSubscriber implements AutoCloseable {

    /** One message as it arrived. */
    record Received(String topic, byte[] payload, int qos) {
        int index() {
            return TestEvents.index(payload);
        }
    }

    private final MqttClient client;
    private final List<Received> received = new CopyOnWriteArrayList<>();

    MqttSubscriber(String url, String filter) throws MqttException {
        client = new MqttClient(url, "subscriber-" + System.nanoTime() % 1_000_000, new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        client.connect(options);
        client.subscribe(filter, 2, (topic, message) -> received.add(new Received(topic, message.getPayload(), message.getQos())));
    }

    /** @return every message so far, in arrival order */
    List<Received> received() {
        return List.copyOf(received);
    }

    /** @return the frame indexes of every message so far, in arrival order */
    List<Integer> indexes() {
        return received.stream().map(Received::index).toList();
    }

    @Override
    public void close() throws MqttException {
        if (client.isConnected()) {
            client.disconnect();
        }
        client.close();
    }
}
