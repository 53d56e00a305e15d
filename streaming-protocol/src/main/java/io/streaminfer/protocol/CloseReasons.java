package io.streaminfer.protocol;

import java.nio.charset.StandardCharsets;

/** Close reasons as they fit in a WebSocket close frame. */
public final class CloseReasons {

    /** RFC 6455 section 5.5: a control frame payload is at most 125 bytes, 2 of them the code. */
    public static final int MAX_REASON_BYTES = 123;

    private CloseReasons() {
    }

    /**
     * @param reason a reason for humans, never {@literal null}
     * @return the reason, shortened with "..." to at most {@link #MAX_REASON_BYTES} bytes of UTF-8
     */
    public static String fit(String reason) {
        if (reason.getBytes(StandardCharsets.UTF_8).length <= MAX_REASON_BYTES) {
            return reason;
        }
        String shorter = reason;
        while (shorter.getBytes(StandardCharsets.UTF_8).length > MAX_REASON_BYTES - 3) {
            shorter = shorter.substring(0, shorter.length() - 1);
        }
        return shorter + "...";
    }
}
