package io.streaminfer.core.internal;

/**
 * The life of one session as a state machine: {@code OPEN → CLOSING → CLOSED}, plus what its
 * pipeline is doing. Each transition runs under the session's lock and only moves state; it
 * returns what the caller must do once the lock is released (Jetty's
 * {@code WebSocketSessionState} is the model). Not thread-safe by itself.
 *
 * <p>Closing waits for the frame in the pipeline so that it gets its result, but never past the
 * pipeline timeout: once that frame timed out (it was answered with a failure), the close goes
 * out at once and the pipeline is left to come back whenever it does.
 */
final class SessionLifecycle {

    enum Phase { OPEN, CLOSING, CLOSED }

    /** What {@link #beginClose} asks of the caller. */
    enum CloseStep {
        /** Already closing or closed: nothing to do. */
        NONE,
        /** Queue the close now. */
        CLOSE_NOW,
        /** The frame in the pipeline gets its answer first; the close follows when it returns or times out. */
        AFTER_PIPELINE
    }

    /** What {@link #pipelineReturned} asks of the caller. */
    record Returned(boolean answer, boolean unanswered, boolean closeNow, boolean closeProcessor, boolean runAgain) {
    }

    private Phase phase = Phase.OPEN;
    private boolean scheduled;
    private boolean busy;
    private boolean timedOut;
    private boolean processorClosed;
    private int closeCode;
    private String closeReason = "";

    Phase phase() {
        return phase;
    }

    boolean isOpen() {
        return phase == Phase.OPEN;
    }

    int closeCode() {
        return closeCode;
    }

    String closeReason() {
        return closeReason;
    }

    /** @return whether the caller must hand a worker task to the pool (none is queued or running) */
    boolean schedule(boolean framesWaiting) {
        if (phase != Phase.OPEN || scheduled || !framesWaiting) {
            return false;
        }
        scheduled = true;
        return true;
    }

    /** The worker task could not be handed to the pool. */
    void scheduleRejected() {
        scheduled = false;
    }

    /**
     * A worker task runs. {@code frameTaken} says whether it found a frame to run.
     *
     * @return whether it may run the frame (else the task ends)
     */
    boolean workerStarted(boolean frameTaken) {
        if (phase == Phase.CLOSED || !frameTaken || busy) {
            scheduled = false;
            return false;
        }
        busy = true;
        timedOut = false;
        return true;
    }

    /** @return whether the close can go out now that the worker found nothing to run */
    boolean idleWhileClosing() {
        return phase == Phase.CLOSING && !busy;
    }

    /**
     * The pipeline returned from a frame.
     *
     * @param framesWaiting whether frames wait for the pipeline
     */
    Returned pipelineReturned(boolean framesWaiting) {
        busy = false;
        boolean answer = phase != Phase.CLOSED && !timedOut;
        boolean unanswered = phase == Phase.CLOSED && !timedOut;
        boolean closeNow = phase == Phase.CLOSING && !timedOut;
        boolean again = phase == Phase.OPEN && framesWaiting;
        timedOut = false;
        scheduled = again;
        boolean closeProcessor = phase == Phase.CLOSED && claimProcessorClose();
        return new Returned(answer, unanswered, closeNow, closeProcessor, again);
    }

    /**
     * The frame in the pipeline ran past the timeout.
     *
     * @return whether it must be answered with a failure now (once, while the session is not closed)
     */
    boolean pipelineTimedOut() {
        if (!busy || timedOut || phase == Phase.CLOSED) {
            return false;
        }
        timedOut = true;
        return true;
    }

    /** @return whether the timed-out pipeline lets a pending close go out now */
    boolean closeAfterTimeout() {
        return phase == Phase.CLOSING && timedOut;
    }

    boolean isStuck() {
        return busy && timedOut;
    }

    /** Starts closing with this code unless already closing. */
    CloseStep beginClose(int code, String reason) {
        if (phase != Phase.OPEN) {
            return CloseStep.NONE;
        }
        phase = Phase.CLOSING;
        closeCode = code;
        closeReason = reason;
        return busy && !timedOut ? CloseStep.AFTER_PIPELINE : CloseStep.CLOSE_NOW;
    }

    /** Forces the close code of a session that must end now (slow consumer, shutdown). */
    boolean forceClose(int code, String reason) {
        if (phase == Phase.CLOSED) {
            return false;
        }
        if (phase == Phase.OPEN) {
            closeCode = code;
            closeReason = reason;
        }
        phase = Phase.CLOSING;
        return true;
    }

    /**
     * The connection is closed, by us or the client.
     *
     * @return whether this is the first time (the caller reports the end once)
     */
    boolean closed(int code) {
        if (phase == Phase.CLOSED) {
            return false;
        }
        if (phase == Phase.OPEN) {
            closeCode = code;
        }
        phase = Phase.CLOSED;
        return true;
    }

    /** @return whether the caller must close the processor now (closed, and no pipeline holds it) */
    boolean processorToClose() {
        return phase == Phase.CLOSED && !busy && claimProcessorClose();
    }

    private boolean claimProcessorClose() {
        if (processorClosed) {
            return false;
        }
        processorClosed = true;
        return true;
    }
}
