package io.streaminfer.sinks;

/**
 * Whether a sink can deliver, as its sender thread has seen it. Each transition returns the
 * change the sink logs, so that going down and coming back are logged once each however many
 * events fail in between. Used by the sender thread alone.
 */
final class LinkState {

    /** A change worth one log line; {@link #NONE} for the rest. */
    enum Change {
        /** Nothing to report. */
        NONE,
        /** The first event got through. */
        UP,
        /** An attempt failed after a success, or before any. */
        DOWN,
        /** An event got through after failures. */
        BACK_UP
    }

    private enum State { STARTING, UP, DOWN }

    private State state = State.STARTING;
    private long failuresWhileDown;
    private long droppedAtLastAnswer;
    private long droppedWhileDown;

    /**
     * @param droppedNow the sink's dropped counter now
     * @return the change after the destination answered (delivered or rejected an event)
     */
    Change answered(long droppedNow) {
        State before = state;
        state = State.UP;
        droppedWhileDown = droppedNow - droppedAtLastAnswer;
        droppedAtLastAnswer = droppedNow;
        return switch (before) {
            case STARTING -> Change.UP;
            case DOWN -> Change.BACK_UP;
            case UP -> Change.NONE;
        };
    }

    /** @return the change after a failed attempt */
    Change failed() {
        if (state == State.DOWN) {
            failuresWhileDown++;
            return Change.NONE;
        }
        state = State.DOWN;
        failuresWhileDown = 1;
        return Change.DOWN;
    }

    /** @return failed attempts during the current or last outage */
    long failuresWhileDown() {
        return failuresWhileDown;
    }

    /**
     * @return after {@link Change#BACK_UP}, the events dropped between the last answer before the
     *         outage and the first after it
     */
    long droppedWhileDown() {
        return droppedWhileDown;
    }
}
