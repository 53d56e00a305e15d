package io.streaminfer.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.streaminfer.tck.Mosquitto;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Zone events of real sessions out to a real Mosquitto broker and a webhook (the JDK's
 * {@code HttpServer}), from the server as operators run it; and a broker that goes away: the
 * stream keeps being answered, the sink drops and recovers.
 */
class SinksIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration EVENTS = Duration.ofSeconds(20);

    @Test
    @DisplayName("crossings reach the broker (QoS 1, in order) and the webhook with session, pipeline, frame and time; a broker that stops never stalls the stream")
    void eventsReachTheBrokerAndTheWebhook(@TempDir Path dir) throws Exception {
        Mosquitto.assumeInstalled();
        List<JsonNode> hooked = new CopyOnWriteArrayList<>();
        HttpServer webhook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        webhook.createContext("/events", exchange -> {
            if ("secret-value".equals(exchange.getRequestHeaders().getFirst("X-Token"))) {
                hooked.add(JSON.readTree(exchange.getRequestBody()));
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        webhook.start();
        try (Mosquitto broker = Mosquitto.start(dir)) {
            String pipelines = ZonesIntegrationTest.PIPELINES.replace("\"lines\": [{\"name\": \"gate\", \"from\": [0.5, 0], \"to\": [0.5, 1]}]}]}}",
                    "\"lines\": [{\"name\": \"gate\", \"from\": [0.5, 0], \"to\": [0.5, 1]}]}],"
                            + " \"sinks\": [{\"sink\": \"mqtt\", \"url\": \"" + broker.url() + "\", \"topic\": \"streams/{pipeline_id}/events\", \"qos\": 1},"
                            + " {\"sink\": \"webhook\", \"url\": \"http://127.0.0.1:" + webhook.getAddress().getPort() + "/events\","
                            + " \"headers\": {\"X-Token\": \"secret-value\"}}]}}");
            assertThat(pipelines).contains("\"sinks\"");
            Path file = Files.writeString(dir.resolve("pipelines.json"), pipelines);
            List<JsonNode> received = new CopyOnWriteArrayList<>();
            MqttClient subscriber = new MqttClient(broker.url(), "test-subscriber", new MemoryPersistence());
            MqttConnectOptions options = new MqttConnectOptions();
            options.setCleanSession(true);
            subscriber.connect(options);
            subscriber.subscribe("streams/doorway/events", 1, (topic, message) -> received.add(JSON.readTree(message.getPayload())));
            try (StreamingServer server = TestServers.start(Map.of("STREAM_PIPELINES", file.toString()))) {
                List<JsonNode> answered = ZonesIntegrationTest.stream(server, ZonesIntegrationTest.leftToRight());
                List<JsonNode> expected = ZonesIntegrationTest.events(answered);

                await().atMost(EVENTS).until(() -> received.size() >= expected.size() && hooked.size() >= expected.size());
                assertThat(received).hasSize(expected.size());
                for (int i = 0; i < expected.size(); i++) {
                    JsonNode event = received.get(i);
                    assertThat(event.get("type")).isEqualTo(expected.get(i).get("type"));
                    assertThat(event.get("track_id")).isEqualTo(expected.get(i).get("track_id"));
                    assertThat(event.get("pipeline_id").asText()).isEqualTo("doorway");
                    assertThat(event.get("session_id").asText()).isNotBlank();
                    assertThat(event.get("frame_index").asLong()).isPositive();
                    assertThat(java.time.Instant.parse(event.get("time").asText())).isNotNull();
                }
                assertThat(received.stream().map(e -> e.get("frame_index").asLong()).toList()).isSorted();
                assertThat(hooked.stream().map(e -> e.get("type").asText()).toList())
                        .isEqualTo(received.stream().map(e -> e.get("type").asText()).toList());

                String pipelinesPage = get(server, "/pipelines");
                assertThat(pipelinesPage).contains("mqtt-1: mqtt tcp://127.0.0.1", "webhook-2: webhook http://127.0.0.1").doesNotContain("secret-value");

                broker.stop();
                List<JsonNode> whileDown = ZonesIntegrationTest.stream(server, ZonesIntegrationTest.leftToRight());
                assertThat(whileDown).as("every frame answered with a result while the broker is down")
                        .hasSize(ZonesIntegrationTest.leftToRight().size() + 1).allMatch(r -> r.has("detections"));
                await().atMost(EVENTS).until(() -> metric(server, "stream_sink_events_failed_total{pipeline=\"doorway\",sink=\"mqtt-1\"}") > 0);

                broker.start();
                subscriber.reconnect();
                await().atMost(EVENTS).until(subscriber::isConnected);
                subscriber.subscribe("streams/doorway/events", 1, (topic, message) -> received.add(JSON.readTree(message.getPayload())));
                int before = received.size();
                ZonesIntegrationTest.stream(server, ZonesIntegrationTest.leftToRight());
                await().atMost(Duration.ofSeconds(60)).until(() -> received.size() > before);
                assertThat(metric(server, "stream_sink_events_sent_total{pipeline=\"doorway\",sink=\"mqtt-1\"}")).isPositive();
            } finally {
                subscriber.disconnectForcibly();
                subscriber.close();
            }
        } finally {
            webhook.stop(0);
        }
    }

    private static String get(StreamingServer server, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.managementPort() + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)).body();
    }

    private static double metric(StreamingServer server, String series) throws Exception {
        return new PrometheusText(get(server, "/metrics")).value(series);
    }
}
