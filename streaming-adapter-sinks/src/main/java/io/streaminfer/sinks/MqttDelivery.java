package io.streaminfer.sinks;

import io.streaminfer.protocol.Redaction;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.ScheduledExecutorPingSender;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Map;

/**
 * Publishes events to an MQTT broker with Paho's client, one publish at a time: each waits, for a
 * bounded time, for the broker's acknowledgement (QoS 1 and 2) before the next, which keeps events
 * in order. Paho's own reconnect is off: a failed connect or publish discards the client, and
 * {@link QueuedSink} retries with its backoff, so backoff and state logging stay in one place.
 * Sessions are clean and in memory: nothing is written to disk.
 */
final class MqttDelivery implements Delivery {

    private static final System.Logger LOG = System.getLogger(MqttDelivery.class.getName());

    /** Waiting for the broker's CONNACK. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Waiting for one publish to complete (PUBACK or PUBCOMP); then the connection counts as broken. */
    static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(10);
    /** Waiting for the DISCONNECT to go out when the sink closes. */
    static final Duration DISCONNECT_TIMEOUT = Duration.ofSeconds(1);
    static final Duration KEEP_ALIVE = Duration.ofSeconds(30);
    static final int MAX_INFLIGHT_WINDOW = 1000;

    private final MqttSettings settings;
    private final MqttConnectOptions options;
    private volatile MqttAsyncClient client; // written by the sender thread, read by stats
    private PahoThreads clientThreads; // the current client's; sender thread only
    private final NetworkWait waits = new NetworkWait();

    MqttDelivery(MqttSettings settings) {
        this.settings = settings;
        this.options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setAutomaticReconnect(false);
        options.setConnectionTimeout((int) CONNECT_TIMEOUT.toSeconds());
        options.setKeepAliveInterval((int) KEEP_ALIVE.toSeconds());
        // One publish is in flight at a time, but Paho wakes a waiting publish() before its callback
        // thread lowers the in-flight count: with the default window of 10, back-to-back publishes
        // can fail with "too many publishes in progress" (32202). A wide window absorbs that lag.
        options.setMaxInflight(MAX_INFLIGHT_WINDOW);
        if (settings.username() != null) {
            options.setUserName(settings.username());
        }
        if (settings.password() != null) {
            options.setPassword(settings.password().toCharArray());
        }
    }

    @Override
    public String kind() {
        return "mqtt";
    }

    @Override
    public String describe() {
        return "mqtt " + settings.shownUrl() + " topic " + settings.topic() + " qos " + settings.qos();
    }

    @Override
    public String route(Map<String, ?> event) {
        return settings.topic().fill(event);
    }

    @Override
    public Attempt deliver(QueuedEvent event) {
        try {
            MqttAsyncClient connected = client;
            if (connected == null || !connected.isConnected()) {
                connected = connect();
            }
            MqttMessage message = new MqttMessage(event.body());
            message.setQos(settings.qos());
            IMqttToken published = connected.publish(event.route(), message);
            waits.run(() -> {
                published.waitForCompletion(PUBLISH_TIMEOUT.toMillis());
                return published;
            });
            return Attempt.delivered();
        } catch (MqttException e) {
            discardClient();
            return Attempt.retry(reason(e));
        } catch (InterruptedException e) {
            discardClient();
            return Attempt.retry("closing");
        } catch (IllegalArgumentException e) { // Paho refused the topic: retrying would not help
            return Attempt.rejected("topic \"" + event.route() + "\" refused: " + e.getMessage());
        }
    }

    @Override
    public boolean connected() {
        MqttAsyncClient current = client;
        return current != null && current.isConnected();
    }

    @Override
    public void abort() {
        waits.abort();
    }

    @Override
    public void close() {
        discardClient();
    }

    private MqttAsyncClient connect() throws MqttException, InterruptedException {
        discardClient();
        PahoThreads threads = new PahoThreads(Thread.currentThread().getName() + "-paho-");
        MqttAsyncClient fresh;
        try {
            fresh = new MqttAsyncClient(settings.serverUri(), settings.clientId(), new MemoryPersistence(),
                    new ScheduledExecutorPingSender(threads.executor()), threads.executor());
        } catch (MqttException | RuntimeException e) {
            end(threads);
            throw e;
        }
        fresh.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                // connected() now reads false; the next publish reconnects, or fails and is logged by the sink
                LOG.log(Level.DEBUG, () -> "mqtt connection to " + settings.shownUrl() + " lost: " + Redaction.urlsIn(String.valueOf(cause)));
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                // the sink subscribes to nothing
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
                // deliver() already waited for it
            }
        });
        try {
            IMqttToken connecting = fresh.connect(options);
            waits.run(() -> {
                connecting.waitForCompletion(CONNECT_TIMEOUT.toMillis());
                return connecting;
            });
        } catch (MqttException | InterruptedException e) {
            release(fresh);
            end(threads);
            throw e;
        }
        client = fresh;
        clientThreads = threads;
        return fresh;
    }

    private void discardClient() {
        MqttAsyncClient current = client;
        client = null;
        if (current != null) {
            release(current);
        }
        if (clientThreads != null) {
            end(clientThreads);
            clientThreads = null;
        }
    }

    private static void end(PahoThreads threads) {
        try {
            if (!threads.end(DISCONNECT_TIMEOUT)) {
                LOG.log(Level.DEBUG, "some threads of a closed mqtt client had not ended after " + DISCONNECT_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Disconnects (sending DISCONNECT when still connected) and stops the client's threads, within bounded waits. */
    private static void release(MqttAsyncClient mqtt) {
        try {
            if (mqtt.isConnected()) {
                mqtt.disconnect(0).waitForCompletion(DISCONNECT_TIMEOUT.toMillis());
            }
        } catch (MqttException e) {
            LOG.log(Level.DEBUG, () -> "mqtt disconnect: " + reason(e));
        }
        try {
            if (mqtt.isConnected()) { // the DISCONNECT did not go out in time
                mqtt.disconnectForcibly(0, 0, false);
            }
            mqtt.close(true);
        } catch (MqttException e) {
            LOG.log(Level.DEBUG, () -> "mqtt client close: " + reason(e));
        }
    }

    /**
     * Paho's sentence, its reason code and the cause's message: never the URL's userinfo, which Paho
     * is not given, and any URL quoted (a WebSocket broker's path) shown by the rule.
     */
    static String reason(MqttException e) {
        StringBuilder reason = new StringBuilder(String.valueOf(e.getMessage())).append(" (").append(e.getReasonCode()).append(')');
        Throwable cause = e.getCause();
        if (cause != null && cause != e) {
            reason.append(": ").append(cause.getClass().getSimpleName());
            if (cause.getMessage() != null) {
                reason.append(' ').append(cause.getMessage());
            }
        }
        return Redaction.urlsIn(reason.toString());
    }
}
