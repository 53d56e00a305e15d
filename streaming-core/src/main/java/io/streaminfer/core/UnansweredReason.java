package io.streaminfer.core;

/**
 * Why a frame that was received got no answer. With these, every frame is accounted for:
 * {@code received = processed + dropped + failed + unanswered}.
 */
public enum UnansweredReason {

    /** The connection closed (the client left, or the session ended) before the answer went out. */
    CLOSED("closed"),
    /** The transport reported that writing the answer failed. */
    SEND_FAILED("send_failed"),
    /** The server stopped before the frame was answered (its grace period ran out). */
    SHUTDOWN("shutdown"),
    /** The client stopped reading; its answers were discarded when the connection was cut. */
    SLOW_CONSUMER("slow_consumer");

    private final String label;

    UnansweredReason(String label) {
        this.label = label;
    }

    /** @return the name used as a metric label, never {@literal null} */
    public String label() {
        return label;
    }
}
