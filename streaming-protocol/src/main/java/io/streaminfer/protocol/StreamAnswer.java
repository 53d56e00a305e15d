package io.streaminfer.protocol;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Objects;

/**
 * One message from the server, parsed.
 *
 * @param kind what it is
 * @param json the whole message, never {@literal null}
 */
public record StreamAnswer(Kind kind, JsonNode json) {

    /** The kinds of server messages. */
    public enum Kind {
        /** {@code {"frame_index": N, "result": {...}}} */
        RESULT,
        /** {@code {"frame_index": N, "dropped": true}} */
        DROPPED,
        /** {@code {"warning": "slow_down", ...}} */
        SLOW_DOWN,
        /** {@code {"error": code, "detail": text}} */
        ERROR,
        /** Anything else (a newer server) */
        OTHER
    }

    /** Validates the values. */
    public StreamAnswer {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(json, "json");
    }

    /**
     * Reads one text message of the server.
     *
     * @param text the message
     * @return the answer; a message that is not JSON becomes an {@code ERROR} answer holding
     *         {@code client_error}, never an exception
     */
    public static StreamAnswer parse(String text) {
        try {
            return of(JSON.readTree(text));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return of(JSON.createObjectNode().put("client_error", "not JSON: " + text));
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    static StreamAnswer of(JsonNode json) {
        Kind kind;
        if (json.has("error")) {
            kind = Kind.ERROR;
        } else if (json.has("warning")) {
            kind = Kind.SLOW_DOWN;
        } else if (json.path("dropped").asBoolean(false)) {
            kind = Kind.DROPPED;
        } else if (json.has("result")) {
            kind = Kind.RESULT;
        } else {
            kind = Kind.OTHER;
        }
        return new StreamAnswer(kind, json);
    }

    /** @return the frame index, or -1 when the message concerns no frame */
    public long frameIndex() {
        return json.path("frame_index").asLong(-1);
    }

    /** @return the error code, or {@literal null} when this is not an error */
    public String error() {
        return kind == Kind.ERROR ? json.get("error").asText() : null;
    }

    /** @return whether this answers a frame (result, dropped, or a per-frame error) */
    public boolean answersFrame() {
        return frameIndex() > 0;
    }
}
