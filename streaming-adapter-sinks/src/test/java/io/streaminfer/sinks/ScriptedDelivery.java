package io.streaminfer.sinks;

import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A delivery whose every attempt waits for the test to say how it ends, so the tests of
 * {@link QueuedSink} decide each outcome without a network or a clock.
 */
final class ScriptedDelivery implements Delivery {

    private final BlockingQueue<Attempt> outcomes = new LinkedBlockingQueue<>();
    private final List<byte[]> attempted = new CopyOnWriteArrayList<>();
    private final NetworkWait waits = new NetworkWait();
    private volatile boolean closed;

    /** Lets the next attempts end this way, in order. */
    void then(Attempt... next) {
        outcomes.addAll(List.of(next));
    }

    /** @return the bodies of every attempt so far, in order, retries included */
    List<byte[]> attempted() {
        return List.copyOf(attempted);
    }

    /** @return the frame indexes of every attempt so far, in order */
    List<Integer> attemptedIndexes() {
        return attempted.stream().map(TestEvents::index).toList();
    }

    boolean closed() {
        return closed;
    }

    @Override
    public String kind() {
        return "scripted";
    }

    @Override
    public String describe() {
        return "scripted";
    }

    @Override
    public String route(Map<String, ?> event) {
        return null;
    }

    @Override
    public Attempt deliver(QueuedEvent event) {
        attempted.add(event.body());
        try {
            return waits.run(outcomes::take);
        } catch (InterruptedException e) {
            return Attempt.retry("closing");
        }
    }

    @Override
    public boolean connected() {
        return !closed;
    }

    @Override
    public void abort() {
        waits.abort();
    }

    @Override
    public void close() {
        closed = true;
    }
}
