package io.streaminfer.core;

/**
 * The error codes of the wire protocol, each with the WebSocket close code that follows it
 * when the error ends the session.
 */
public enum ErrorCode {
    /** {@code pipeline_id} missing, unknown or unavailable; close 1008 (policy violation). */
    INVALID_PIPELINE("invalid_pipeline", 1008),
    /** A text message from the client; close 1003 (unsupported data). */
    INVALID_MESSAGE("invalid_message", 1003),
    /** Not a JPEG, or a broken one; close 1007 (invalid payload). */
    INVALID_FRAME("invalid_frame", 1007),
    /** Over the frame size limit; close 1009 (message too big). */
    FRAME_TOO_LARGE("frame_too_large", 1009),
    /** The pipeline threw on one frame; the stream goes on until too many fail in a row, then 1011. */
    PIPELINE_FAILURE("pipeline_failure", 1011),
    /** The session limit is reached or the server is stopping; close 1013 (try again later). */
    SERVER_BUSY("server_busy", 1013),
    /** Authentication is configured and the token is missing or wrong; close 1008. */
    UNAUTHORIZED("unauthorized", 1008),
    /** The client does not read its answers and the server stopped buffering them; close 1008. */
    SLOW_CONSUMER("slow_consumer", 1008),
    /** Anything unexpected; close 1011 (internal error). */
    INTERNAL_ERROR("internal_error", 1011);

    private final String wireName;
    private final int closeCode;

    ErrorCode(String wireName, int closeCode) {
        this.wireName = wireName;
        this.closeCode = closeCode;
    }

    /**
     * The code as it appears in the {@code "error"} field of the JSON message.
     *
     * @return never {@literal null}
     */
    public String wireName() {
        return wireName;
    }

    /**
     * The WebSocket close code sent when this error closes the session.
     *
     * @return a close code from RFC 6455 section 7.4
     */
    public int closeCode() {
        return closeCode;
    }
}
