package io.streaminfer.sinks;

import java.util.Map;

/**
 * How one kind of sink gets one event to its destination. {@link QueuedSink} owns the queue, the
 * sender thread, the backoff and the logging; a delivery only sends.
 *
 * <p>{@link #route} is called on publishing threads, concurrently; {@link #deliver} and
 * {@link #close} only on the sink's sender thread, one after another, {@code close} last;
 * {@link #connected} from any thread; {@link #abort} once, by the thread closing the sink.
 */
interface Delivery {

    /** @return the kind, as in the config's {@code "sink"} key and the thread's name: {@code mqtt}, {@code webhook} */
    String kind();

    /** @return the destination for logs, its URL shown by {@code Redaction.url}; never {@literal null} */
    String describe();

    /**
     * @param event the event as published, never {@literal null}
     * @return where this event goes (an MQTT topic), or {@literal null} when the delivery has one destination
     */
    String route(Map<String, ?> event);

    /**
     * Sends one event and waits for the destination's answer, within a bounded time. Connects
     * first when not connected. Never throws; an interrupt (close) ends the attempt early.
     *
     * @param event the event, never {@literal null}
     * @return what happened, never {@literal null}
     */
    Attempt deliver(QueuedEvent event);

    /** @return whether the destination is reachable as far as this delivery knows */
    boolean connected();

    /**
     * Cuts short a wait for the network that {@link #deliver} is in, and makes later ones fail at
     * once (see {@link NetworkWait}): the sink is closing. Called from another thread than the
     * sender's, before {@link #close}.
     */
    void abort();

    /** Disconnects and releases threads and sockets; the delivery is not used again. */
    void close();
}
