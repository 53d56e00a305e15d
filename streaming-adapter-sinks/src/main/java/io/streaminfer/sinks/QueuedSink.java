package io.streaminfer.sinks;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An {@link EventSink} over one {@link Delivery}: encodes events on the publishing thread, queues
 * them ({@link EventQueue}), and sends them one at a time on its own sender thread, retrying
 * with {@link Backoff} and logging state changes ({@link LinkState}).
 */
final class QueuedSink implements EventSink {

    private static final System.Logger LOG = System.getLogger(QueuedSink.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger SINKS = new AtomicInteger();

    /** How long {@link #close} waits for the sender thread; a send in progress is cut short at once ({@link Delivery#abort}). */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    private final Delivery delivery;
    private final EventQueue queue;
    private final Backoff backoff;
    private final boolean publishesResults;
    private final SinkStats stats;
    private final Thread sender;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean encodingProblemLogged = new AtomicBoolean();
    // sender thread only
    private final LinkState link = new LinkState();
    private final Set<String> rejectionsLogged = new HashSet<>();

    QueuedSink(Delivery delivery, int capacity, boolean publishesResults, Backoff backoff) {
        this.delivery = delivery;
        this.queue = new EventQueue(capacity);
        this.backoff = backoff;
        this.publishesResults = publishesResults;
        this.stats = new SinkStats(queue::length, delivery::connected);
        this.sender = new Thread(this::run, "sink-" + delivery.kind() + "-" + SINKS.incrementAndGet());
        this.sender.setDaemon(true);
    }

    /** Starts the sender thread; called once, by the factory, after construction. */
    QueuedSink start() {
        sender.start();
        return this;
    }

    @Override
    public void publish(Map<String, ?> event) {
        QueuedEvent queued;
        try {
            if (event == null) {
                throw new IllegalArgumentException("the event is null");
            }
            queued = new QueuedEvent(JSON.writeValueAsBytes(event), delivery.route(event));
        } catch (Exception e) { // publish never throws: whatever the caller passed, it counts and the stream goes on
            stats.failed(1);
            if (encodingProblemLogged.compareAndSet(false, true)) {
                LOG.log(Level.WARNING, () -> "event sink " + describe() + " cannot encode an event as JSON (" + e
                        + "); such events count as failed (logged once)");
            }
            return;
        }
        if (queue.offer(queued) != EventQueue.Offer.QUEUED) {
            stats.dropped(1);
        }
    }

    @Override
    public SinkStats stats() {
        return stats;
    }

    @Override
    public boolean publishesResults() {
        return publishesResults;
    }

    @Override
    public String describe() {
        return delivery.describe();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        queue.close();
        delivery.abort(); // abandons a send in progress: events still queued are dropped anyway
        if (Thread.currentThread() == sender) {
            return;
        }
        try {
            sender.join(CLOSE_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (sender.isAlive()) {
            LOG.log(Level.WARNING, () -> "event sink " + describe() + ": its sender thread " + sender.getName()
                    + " did not end within " + CLOSE_WAIT.toSeconds() + " s of close");
        }
    }

    private void run() {
        int failuresInARow = 0;
        try {
            QueuedEvent event;
            while ((event = queue.beginAttempt()) != null) {
                Attempt attempt = attempt(event);
                queue.endAttempt(attempt.outcome() != Attempt.Outcome.RETRY);
                if (closed.get()) {
                    if (attempt.outcome() != Attempt.Outcome.RETRY) {
                        count(attempt); // an attempt that close() cut short is no failure: its event counts as dropped
                    }
                    break;
                }
                count(attempt);
                if (attempt.outcome() == Attempt.Outcome.RETRY) {
                    failuresInARow++;
                    report(link.failed(), attempt);
                    if (!queue.pause(backoff.delay(failuresInARow))) {
                        break;
                    }
                } else {
                    failuresInARow = 0;
                    report(link.answered(stats.dropped()), attempt);
                    if (attempt.outcome() == Attempt.Outcome.REJECTED) {
                        reportRejection(attempt);
                    }
                }
            }
        } catch (InterruptedException e) { // nothing interrupts the sender thread but a JVM shutting it down
            LOG.log(Level.DEBUG, () -> "event sink " + describe() + " interrupted: closing");
        } finally {
            delivery.close();
            int left = queue.drain();
            stats.dropped(left);
            if (left > 0) {
                LOG.log(Level.INFO, () -> "event sink " + describe() + " closed with " + left + " events unsent");
            }
        }
    }

    private Attempt attempt(QueuedEvent event) {
        try {
            return delivery.deliver(event);
        } catch (RuntimeException e) { // a bug in a delivery must not end the sender thread
            LOG.log(Level.DEBUG, () -> "event sink " + describe() + ": delivery failed unexpectedly", e);
            return Attempt.retry("unexpected " + e.getClass().getSimpleName());
        }
    }

    private void count(Attempt attempt) {
        if (attempt.outcome() == Attempt.Outcome.DELIVERED) {
            stats.sent(1);
        } else {
            stats.failed(1);
        }
    }

    private void report(LinkState.Change change, Attempt attempt) {
        switch (change) {
            case UP -> LOG.log(Level.INFO, () -> "event sink " + describe() + " is up");
            case DOWN -> LOG.log(Level.WARNING, () -> "event sink " + describe() + " is down: " + attempt.reason()
                    + "; retrying with backoff up to " + human(backoff.max()) + " while new events wait"
                    + " (the oldest are dropped when the queue is full)");
            case BACK_UP -> LOG.log(Level.INFO, () -> "event sink " + describe() + " is up again after "
                    + link.failuresWhileDown() + " failed attempts; " + link.droppedWhileDown()
                    + " events dropped meanwhile");
            case NONE -> { }
        }
    }

    private static String human(Duration duration) {
        return duration.toMillis() < 1000 ? duration.toMillis() + " ms" : duration.toSeconds() + " s";
    }

    private void reportRejection(Attempt attempt) {
        if (rejectionsLogged.size() < 100 && rejectionsLogged.add(attempt.reason())) {
            LOG.log(Level.WARNING, () -> "event sink " + describe() + " rejected an event (" + attempt.reason()
                    + "); rejected events count as failed and are not retried (logged once per reason)");
        }
    }
}
