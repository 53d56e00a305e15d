package io.streaminfer.sinks;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Events as the server builds them, numbered so tests can check order. */
final class TestEvents {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TestEvents() {
    }

    /**
     * @param index the event's number, also its {@code frame_index}
     * @return a zone event of pipeline {@code people}, session {@code s-1}
     */
    static Map<String, Object> zoneEvent(int index) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("session_id", "s-1");
        event.put("pipeline_id", "people");
        event.put("frame_index", index);
        event.put("time", 1_700_000_000.0 + index / 30.0);
        event.put("type", "enter");
        event.put("zone", "door");
        event.put("track_id", 7);
        event.put("label", "person");
        event.put("direction", "in");
        return event;
    }

    /** @return the decoded JSON object */
    static Map<String, Object> decode(byte[] json) {
        try {
            return JSON.readValue(json, new TypeReference<>() { });
        } catch (IOException e) {
            throw new UncheckedIOException("not a JSON object: " + new String(json, StandardCharsets.UTF_8), e);
        }
    }

    /** @return the {@code frame_index} of an encoded event */
    static int index(byte[] json) {
        return ((Number) decode(json).get("frame_index")).intValue();
    }
}
