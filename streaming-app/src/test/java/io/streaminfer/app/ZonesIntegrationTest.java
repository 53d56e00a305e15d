package io.streaminfer.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.streaminfer.tck.SampleFrames;
import io.streaminfer.tck.Timeouts;
import io.streaminfer.tyrus.StreamClient;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code motion} → {@code track} → {@code zones} over a real socket, on real JPEG frames: a
 * textured square moving across coffee.jpg, through a vertical line at the middle of the frame
 * and a zone it passes through.
 */
class ZonesIntegrationTest {

    static final String PIPELINES = """
            {"doorway": {"steps": [
               {"step": "motion", "learning_rate": 1.0},
               {"step": "track", "min_hits": 2},
               {"step": "zones",
                "zones": [{"name": "door", "polygon": [[0.62, 0], [0.8, 0], [0.8, 1], [0.62, 1]]}],
                "lines": [{"name": "gate", "from": [0.5, 0], "to": [0.5, 1]}]}]}}
            """;

    /**
     * How often the client sends a frame. The tracker predicts motion over the frames' arrival
     * times, so the square must move with time as it would in front of a camera: the same
     * distance a frame at a steady rate. Sending each frame as soon as the last answer arrives
     * would tie the square's speed to the server's: a velocity learnt over 10 ms gaps, then
     * carried over a single 100 ms hiccup of a loaded machine, overshoots by more than the box
     * and starts a second track (seen in CI). At 150 ms a frame the track rides out a 350 ms
     * hiccup (tried on the tracker alone).
     */
    static final long FRAME_PERIOD_NANOS = Duration.ofMillis(150).toNanos();

    /**
     * The results of one session: its first frame (coffee.jpg alone, the background), then the
     * square at each x in turn, one frame every {@link #FRAME_PERIOD_NANOS}.
     */
    static List<JsonNode> stream(StreamingServer server, List<Integer> positions) throws Exception {
        List<byte[]> frames = new ArrayList<>();
        frames.add(SampleFrames.coffee()); // the background
        for (int x : positions) {
            frames.add(SampleFrames.coffeeWithSquareAt(x));
        }
        List<JsonNode> results = new ArrayList<>();
        try (StreamClient client = StreamClient.create(URI.create("ws://127.0.0.1:" + server.port()));
             StreamClient.Stream stream = client.open("doorway")) {
            long due = System.nanoTime();
            for (byte[] frame : frames) {
                long now = System.nanoTime();
                if (now < due) {
                    Thread.sleep(Duration.ofNanos(due - now).toMillis());
                }
                stream.send(frame); // one in flight: none dropped
                results.add(stream.next(Timeouts.ANSWER).json().get("result"));
                due = Math.max(due, now) + FRAME_PERIOD_NANOS;
            }
        }
        return results;
    }

    static List<Integer> leftToRight() {
        List<Integer> xs = new ArrayList<>();
        for (int x = 40; x <= 520; x += 16) {
            xs.add(x);
        }
        return xs;
    }

    static List<JsonNode> events(List<JsonNode> results) {
        List<JsonNode> events = new ArrayList<>();
        results.forEach(r -> r.get("events").forEach(events::add));
        return events;
    }

    @Test
    @DisplayName("one track from start to end, one crossing of the line, enter then leave the zone; back the other way, the other direction")
    void squareCrossesTheLineAndPassesTheZone(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("pipelines.json"), PIPELINES);
        try (StreamingServer server = TestServers.start(Map.of("STREAM_PIPELINES", file.toString()))) {
            List<JsonNode> forth = stream(server, leftToRight());
            List<Integer> reversed = new ArrayList<>(leftToRight());
            java.util.Collections.reverse(reversed);
            List<JsonNode> back = stream(server, reversed);

            Set<Integer> ids = new LinkedHashSet<>();
            for (JsonNode result : forth) {
                result.get("detections").forEach(d -> {
                    if (d.has("track_id")) {
                        ids.add(d.get("track_id").asInt());
                    }
                });
            }
            assertThat(ids).as("track ids over the whole pass").hasSize(1);
            assertThat(forth.get(forth.size() - 1).get("detections").get(0).get("track_id").asInt())
                    .as("still tracked at the end").isEqualTo(ids.iterator().next());

            List<JsonNode> events = events(forth);
            assertThat(events.stream().filter(e -> "cross".equals(e.get("type").asText())))
                    .singleElement().satisfies(e -> {
                        assertThat(e.get("line").asText()).isEqualTo("gate");
                        assertThat(e.get("direction").asText()).isEqualTo("out"); // left to right across a line drawn downwards
                        assertThat(e.get("track_id").asInt()).isEqualTo(ids.iterator().next());
                    });
            assertThat(events.stream().filter(e -> e.has("zone")).map(e -> e.get("type").asText()).toList())
                    .containsExactly("enter", "leave");
            JsonNode counts = forth.get(forth.size() - 1).get("counts");
            assertThat(counts.get("gate").get("out").asInt()).isEqualTo(1);
            assertThat(counts.get("gate").get("in").asInt()).isZero();
            assertThat(counts.get("door").get("inside").asInt()).isZero();
            assertThat(forth.get(0).get("zones").get("geometry").get("lines").get(0).get("name").asText())
                    .as("the session's first result draws the zones").isEqualTo("gate");
            assertThat(forth.get(1).has("zones")).as("only the first").isFalse();

            List<JsonNode> backEvents = events(back);
            assertThat(backEvents.stream().filter(e -> "cross".equals(e.get("type").asText())))
                    .singleElement().satisfies(e -> assertThat(e.get("direction").asText()).isEqualTo("in"));
            assertThat(backEvents.stream().filter(e -> e.has("zone")).map(e -> e.get("type").asText()).toList())
                    .containsExactly("enter", "leave");

            PrometheusText metrics = new PrometheusText(java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.managementPort() + "/metrics")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body());
            assertThat(metrics.value("stream_zone_events_total{pipeline=\"doorway\",type=\"cross\",zone=\"gate\"}")).isEqualTo(2);
            assertThat(metrics.value("stream_zone_events_total{pipeline=\"doorway\",type=\"enter\",zone=\"door\"}")).isEqualTo(2);
            assertThat(metrics.value("stream_zone_events_total{pipeline=\"doorway\",type=\"loiter\",zone=\"door\"}")).isZero();
            assertThat(metrics.value("stream_tracks_active{pipeline=\"doorway\"}")).as("both sessions closed").isZero();
        }
    }
}
