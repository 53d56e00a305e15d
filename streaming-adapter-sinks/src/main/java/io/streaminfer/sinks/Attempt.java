package io.streaminfer.sinks;

/**
 * The outcome of one attempt to send an event.
 *
 * @param outcome what the sender does next
 * @param reason  for humans, never with a credential; empty when delivered
 */
record Attempt(Outcome outcome, String reason) {

    private static final Attempt DELIVERED = new Attempt(Outcome.DELIVERED, "");

    /** What the sender does next. */
    enum Outcome {
        /** The broker or endpoint took the event; send the next one. */
        DELIVERED,
        /** The endpoint refused this event for good; count it as failed and send the next one. */
        REJECTED,
        /** The event could not be sent now; wait (backoff) and try it again. */
        RETRY
    }

    static Attempt delivered() {
        return DELIVERED;
    }

    static Attempt rejected(String reason) {
        return new Attempt(Outcome.REJECTED, reason);
    }

    static Attempt retry(String reason) {
        return new Attempt(Outcome.RETRY, reason);
    }
}
