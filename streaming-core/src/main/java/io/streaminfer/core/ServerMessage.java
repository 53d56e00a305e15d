package io.streaminfer.core;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * A message from the server to the client. The engine creates them; the transport encodes
 * them (the wire form of each is documented in {@code docs/protocol.md}).
 */
public sealed interface ServerMessage {

    /**
     * The pipeline ran on a frame: {@code {"frame_index": N, "result": {...}}}.
     *
     * @param frameIndex the frame's 1-based index
     * @param result     what the pipeline found, never {@literal null}
     */
    record FrameResult(long frameIndex, InferenceResult result) implements ServerMessage {
        /** Validates the values. */
        public FrameResult {
            Objects.requireNonNull(result, "result");
        }
    }

    /**
     * Backpressure dropped a frame before the pipeline saw it:
     * {@code {"frame_index": N, "dropped": true}}.
     *
     * @param frameIndex the frame's 1-based index
     */
    record FrameDropped(long frameIndex) implements ServerMessage {
    }

    /**
     * The session's drop rate is critical:
     * {@code {"warning": "slow_down", "drop_rate": r, "recommended_fps": f}}.
     *
     * @param dropRate       dropped share of the last answered frames, 0..1
     * @param recommendedFps the frame rate this session's pipeline sustains now
     */
    record SlowDown(double dropRate, double recommendedFps) implements ServerMessage {
    }

    /**
     * An error: {@code {"error": code, "detail": text}}, plus {@code frame_index} when it
     * concerns one frame.
     *
     * @param code       the protocol error code, never {@literal null}
     * @param detail     a sentence for humans, never {@literal null}
     * @param frameIndex the frame concerned, if any
     */
    record StreamError(ErrorCode code, String detail, OptionalLong frameIndex) implements ServerMessage {
        /** Validates the values. */
        public StreamError {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(detail, "detail");
            Objects.requireNonNull(frameIndex, "frameIndex");
        }

        /**
         * An error about the session as a whole.
         *
         * @param code   the error code
         * @param detail a sentence for humans
         */
        public StreamError(ErrorCode code, String detail) {
            this(code, detail, OptionalLong.empty());
        }

        /**
         * An error about one frame.
         *
         * @param code       the error code
         * @param detail     a sentence for humans
         * @param frameIndex the frame concerned
         */
        public StreamError(ErrorCode code, String detail, long frameIndex) {
            this(code, detail, OptionalLong.of(frameIndex));
        }
    }
}
