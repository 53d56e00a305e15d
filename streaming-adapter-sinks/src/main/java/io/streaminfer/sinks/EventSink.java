package io.streaminfer.sinks;

import io.streaminfer.protocol.Redaction;
import java.util.Map;

/**
 * Port through which a pipeline hands its events to one outside system (an MQTT broker, a
 * webhook) without ever waiting for it.
 *
 * <p>The server's event emitter calls {@link #publish} from the pipeline's worker threads, for
 * every session of the pipeline, possibly concurrently; the application reads {@link #stats}
 * from its metrics thread and calls {@link #close} once when the pipeline goes away.
 *
 * <p>Lifecycle: {@link Sinks#create} returns a sink whose sender thread already runs; it
 * connects when the first event is to be sent. Each sink has one sender thread of its own,
 * named {@code sink-<kind>-<n>}, which sends the queued events one at a time in the order they
 * entered the queue. A failed send is retried with exponential backoff while newer events
 * wait; the sink recovers by itself when the broker or endpoint comes back. While the queue
 * is full, each new event evicts the oldest queued one (the newest events win, as with frames).
 * Going down and coming back are each logged once, never per event, and never with a
 * credential.
 */
public interface EventSink extends AutoCloseable {

    /**
     * Queues one event. Never blocks on the network and never throws: an event that cannot be
     * encoded counts as {@linkplain SinkStats#failed() failed}, one evicted from a full queue or
     * published after {@link #close} counts as {@linkplain SinkStats#dropped() dropped}.
     *
     * @param event what to send, encoded as one JSON object as it is; the sink neither adds nor
     *              removes keys. The caller must not change the map after the call returns.
     */
    void publish(Map<String, ?> event);

    /**
     * @return the live counters of this sink, readable from any thread; the same object on every
     *         call, never {@literal null}
     */
    SinkStats stats();

    /**
     * @return whether the sink's config asked for every result too ({@code "results": true}), not
     *         only zone events; the caller decides what it publishes
     */
    boolean publishesResults();

    /**
     * @return what this sink sends to, for logs and the management API: its URL as
     *         {@link Redaction#url} shows it (no password, path or query) and credential headers
     *         replaced by {@value Redaction#MASK}; never {@literal null}
     */
    String describe();

    /**
     * Stops the sender thread and disconnects. Events still queued are not sent and count as
     * dropped; a send in progress is abandoned. Waits a bounded time for the thread to end.
     * Idempotent.
     */
    @Override
    void close();
}
