package io.streaminfer.pipeline;

import io.streaminfer.core.Frame;

import java.util.List;
import java.util.Map;

/**
 * Sends what one session's pipeline finds beyond its answers: its zone events (and, where a sink
 * asks, every result) to the pipeline's sinks. Never blocks (a sink queues and sends on its own
 * thread) and never throws. Used by the session's steps, one thread at a time.
 */
interface EventPublisher {

    /** Publishes nothing: a pipeline without sinks. */
    EventPublisher NONE = new EventPublisher() {
        @Override
        public void events(Frame frame, List<Object> events) {
        }

        @Override
        public void result(Frame frame, Map<String, Object> result) {
        }
    };

    /**
     * @param frame  the frame the events happened at
     * @param events the {@code zones} step's events of that frame, JSON-shaped maps; may be empty
     */
    void events(Frame frame, List<Object> events);

    /**
     * @param frame  a frame
     * @param result its whole result, as the client gets it
     */
    void result(Frame frame, Map<String, Object> result);
}
