package io.streaminfer.core;

import java.util.Objects;

/**
 * Thrown by a {@link FrameValidator} for a frame that must not enter a pipeline. Carries the
 * protocol error code and a sentence for humans (no stack trace, class name or path).
 */
public final class FrameRejectedException extends Exception {

    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    /**
     * @param code   {@link ErrorCode#INVALID_FRAME} or {@link ErrorCode#FRAME_TOO_LARGE}
     * @param detail a sentence that tells the client what is wrong
     */
    public FrameRejectedException(ErrorCode code, String detail) {
        super(detail, null, false, false);
        this.code = Objects.requireNonNull(code, "code");
    }

    /**
     * @return the protocol error code, never {@literal null}
     */
    public ErrorCode code() {
        return code;
    }
}
