package io.streaminfer.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streaminfer.core.ServerMessage;
import io.streaminfer.core.ServerMessage.FrameDropped;
import io.streaminfer.core.ServerMessage.FrameResult;
import io.streaminfer.core.ServerMessage.SlowDown;
import io.streaminfer.core.ServerMessage.StreamError;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Encodes the engine's messages as the JSON text of the wire protocol ({@code docs/protocol.md}).
 * Thread-safe.
 */
public final class JsonMessageCodec {

    private static final ObjectMapper SHARED = new ObjectMapper();

    private final ObjectMapper mapper = new ObjectMapper();

    /**
     * @param message a message from the engine
     * @return its JSON text, never {@literal null}
     */
    public String encode(ServerMessage message) {
        Map<String, Object> json = new LinkedHashMap<>();
        if (message instanceof FrameResult result) {
            json.put("frame_index", result.frameIndex());
            json.put("result", result.result().fields());
        } else if (message instanceof FrameDropped dropped) {
            json.put("frame_index", dropped.frameIndex());
            json.put("dropped", true);
        } else if (message instanceof SlowDown slowDown) {
            json.put("warning", "slow_down");
            json.put("drop_rate", slowDown.dropRate());
            json.put("recommended_fps", slowDown.recommendedFps());
        } else if (message instanceof StreamError error) {
            json.put("error", error.code().wireName());
            json.put("detail", error.detail());
            error.frameIndex().ifPresent(index -> json.put("frame_index", index));
        } else {
            throw new IllegalArgumentException("unknown message type " + message.getClass().getSimpleName());
        }
        try {
            return mapper.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            // results are checked JSON-shaped trees when built, so this means a bug, not bad input
            throw new IllegalStateException("could not encode a " + message.getClass().getSimpleName(), e);
        }
    }

    /**
     * An error message of a code outside the engine's (such as a watcher's {@code invalid_source}).
     *
     * @param code   the error code
     * @param detail a sentence for humans
     * @return {@code {"error": code, "detail": detail}}, never {@literal null}
     */
    public static String errorText(String code, String detail) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("error", code);
        json.put("detail", detail);
        try {
            return SHARED.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("two strings always encode", e);
        }
    }
}
