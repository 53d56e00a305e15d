package io.streaminfer.sinks;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * The live counters of one {@link EventSink}, for metrics such as
 * {@code stream_sink_events_sent_total{pipeline,sink}}. Every getter may be called from any
 * thread at any time; counters only grow.
 *
 * <p>Every published event ends up counted exactly once, as sent, failed by a rejection or an
 * encoding problem, or dropped, unless it is still queued; {@link #failed()} also counts every
 * failed attempt of an event that was retried.
 */
public final class SinkStats {

    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final IntSupplier queueLength;
    private final BooleanSupplier connected;

    SinkStats(IntSupplier queueLength, BooleanSupplier connected) {
        this.queueLength = queueLength;
        this.connected = connected;
    }

    /** @return events the broker or endpoint accepted */
    public long sent() {
        return sent.get();
    }

    /**
     * @return send attempts that failed (each retry counts again), events the endpoint rejected
     *         for good (a webhook's 4xx other than 408 and 429), and events that could not be
     *         encoded as JSON
     */
    public long failed() {
        return failed.get();
    }

    /** @return events evicted from a full queue, published after close, or still queued at close */
    public long dropped() {
        return dropped.get();
    }

    /** @return events waiting to be sent, including one being sent or retried */
    public int queueLength() {
        return queueLength.getAsInt();
    }

    /**
     * @return for MQTT, whether the client is connected to the broker; for a webhook, whether the
     *         last request got an HTTP answer
     */
    public boolean connected() {
        return connected.getAsBoolean();
    }

    void sent(long count) {
        sent.addAndGet(count);
    }

    void failed(long count) {
        failed.addAndGet(count);
    }

    void dropped(long count) {
        dropped.addAndGet(count);
    }

    @Override
    public String toString() {
        return "sent=" + sent() + " failed=" + failed() + " dropped=" + dropped() + " queued=" + queueLength()
                + " connected=" + connected();
    }
}
