package io.streaminfer.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.streaminfer.tck.ProtocolClient;
import io.streaminfer.tck.SampleFrames;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A well-behaved client beside an attack: one real frame every {@link #PERIOD}, each sent once
 * the previous one was answered (result, dropped or error: any answer shows the server serves
 * it). Records when answers came, so a test can ask for the longest silence in a time span.
 * A closed session is counted and reopened.
 */
final class Canary implements AutoCloseable {

    static final Duration PERIOD = Duration.ofMillis(500);
    /** How long one frame may wait for its answer before the canary counts it as lost. */
    private static final Duration PATIENCE = Duration.ofSeconds(15);

    private final URI uri;
    private final byte[] frame = SampleFrames.coffee();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "canary");
        thread.setDaemon(true);
        return thread;
    });
    private final List<Long> answeredAt = new ArrayList<>();
    private final List<String> troubles = new ArrayList<>();
    private ProtocolClient client;
    private int reconnects;

    Canary(URI uri) {
        this.uri = uri;
        timer.scheduleWithFixedDelay(this::tick, 0, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void tick() {
        try {
            if (client == null || client.isClosed()) {
                if (client != null) {
                    record("the canary's session closed; reconnecting");
                }
                client = ProtocolClient.connect(uri);
            }
            client.sendBinary(frame);
            JsonNode answer = client.next(PATIENCE);
            synchronized (this) {
                if (answer == null) {
                    troubles.add("no answer within " + PATIENCE);
                } else {
                    answeredAt.add(System.nanoTime());
                }
            }
        } catch (IOException | RuntimeException e) {
            record("canary: " + e.getMessage());
        }
    }

    private synchronized void record(String trouble) {
        troubles.add(trouble);
        if (trouble.contains("reconnecting")) {
            reconnects++;
        }
    }

    /** @return answers received between the two {@link System#nanoTime()} readings */
    synchronized int answersBetween(long fromNanos, long toNanos) {
        return (int) answeredAt.stream().filter(t -> t >= fromNanos && t <= toNanos).count();
    }

    /** @return the longest time without an answer between the two readings, edges included */
    synchronized Duration longestSilence(long fromNanos, long toNanos) {
        long last = fromNanos;
        long longest = 0;
        for (long t : answeredAt) {
            if (t < fromNanos || t > toNanos) {
                continue;
            }
            longest = Math.max(longest, t - last);
            last = t;
        }
        return Duration.ofNanos(Math.max(longest, toNanos - last));
    }

    /** @return what went wrong so far (lost answers, closed sessions), for a failure message */
    synchronized List<String> troubles() {
        return List.copyOf(troubles);
    }

    synchronized int reconnects() {
        return reconnects;
    }

    @Override
    public void close() throws InterruptedException {
        timer.shutdownNow();
        timer.awaitTermination(PATIENCE.toSeconds() + 5, TimeUnit.SECONDS);
        if (client != null) {
            client.abort();
        }
    }
}
