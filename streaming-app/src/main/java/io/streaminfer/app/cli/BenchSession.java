package io.streaminfer.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * One session of a benchmark: what it sent when, what came back, and its latency histograms.
 * Frame indexes are assigned in send order, which is the server's order (sends are queued).
 * Only frames sent inside the measured window count; warm-up frames are answered but ignored.
 * Thread-safe: answers arrive on the client's threads, sends on the scheduler's.
 */
final class BenchSession {

    /** Latencies above this are recorded as this (one minute, in microseconds). */
    static final long HIGHEST_MICROS = 60_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int id;
    private final List<byte[]> frames;
    private final LongSupplier nanoClock;
    private volatile Window window = new Window(Long.MAX_VALUE, Long.MAX_VALUE);
    private final Map<Long, Long> sentAt = new HashMap<>();
    private final Histogram latency = newHistogram();
    private final Histogram[] thirds = {newHistogram(), newHistogram(), newHistogram()};
    private ClientSocket socket;
    private long nextIndex = 1;
    private long sent;
    private long results;
    private long dropped;
    private long failed;
    private long errors;
    private long slowDowns;
    private double recommendedFps;
    private long lastSlowDownNanos = Long.MIN_VALUE;
    private String lastError;

    /**
     * The measured window, in {@link System#nanoTime()} terms.
     *
     * @param start first send time that counts
     * @param end   first send time that no longer counts
     */
    record Window(long start, long end) {
        boolean contains(long nanos) {
            return nanos >= start && nanos < end;
        }

        int third(long nanos) {
            return (int) Math.min(2, Math.max(0, (nanos - start) * 3 / Math.max(1, end - start)));
        }
    }

    BenchSession(int id, List<byte[]> frames, LongSupplier nanoClock) {
        this.id = id;
        this.frames = frames;
        this.nanoClock = nanoClock;
    }

    /** Sets the measured window; call before the first send. */
    void measure(Window measured) {
        this.window = measured;
    }

    private static Histogram newHistogram() {
        return new Histogram(HIGHEST_MICROS, 3);
    }

    synchronized void attach(ClientSocket socket) {
        this.socket = socket;
    }

    /**
     * Sends the next frame.
     *
     * @param dueNanos when it was meant to be sent: latency counts from then, so client-side
     *                 queueing is not hidden
     * @return whether it was sent (false once the connection ended)
     */
    boolean send(long dueNanos) {
        ClientSocket target;
        byte[] frame;
        synchronized (this) {
            if (socket == null || socket.isClosed()) {
                return false;
            }
            target = socket;
            frame = frames.get((int) ((nextIndex + id) % frames.size()));
            sentAt.put(nextIndex++, dueNanos);
            if (window.contains(dueNanos)) {
                sent++;
            }
        }
        target.send(frame);
        return true;
    }

    /**
     * Reads one answer.
     *
     * @param text the server's message
     * @return whether it answered a frame (a result, dropped notice or frame failure)
     */
    boolean onAnswer(String text) {
        long now = nanoClock.getAsLong();
        JsonNode message;
        try {
            message = JSON.readTree(text);
        } catch (IOException e) {
            synchronized (this) {
                errors++;
                lastError = "unreadable answer: " + e.getMessage();
            }
            return false;
        }
        synchronized (this) {
            if (message.has("warning")) {
                slowDowns++;
                recommendedFps = message.path("recommended_fps").asDouble(0);
                lastSlowDownNanos = now;
                return false;
            }
            if (!message.has("frame_index")) {
                errors++;
                lastError = message.path("error").asText("?") + ": " + message.path("detail").asText("");
                return false;
            }
            Long due = sentAt.remove(message.get("frame_index").asLong());
            if (due == null || !window.contains(due)) {
                return due != null;
            }
            if (message.has("result")) {
                results++;
                long micros = Math.max(0, Math.min(HIGHEST_MICROS, (now - due) / 1000));
                latency.recordValue(micros);
                thirds[window.third(due)].recordValue(micros);
            } else if (message.has("dropped")) {
                dropped++;
            } else {
                failed++;
                lastError = message.path("error").asText("?") + ": " + message.path("detail").asText("");
            }
            return true;
        }
    }

    synchronized double recommendedFps() {
        return recommendedFps;
    }

    synchronized long lastSlowDownNanos() {
        return lastSlowDownNanos;
    }

    synchronized boolean waitingForAnswers() {
        Window measured = window;
        return sentAt.values().stream().anyMatch(measured::contains);
    }

    synchronized boolean isClosed() {
        return socket == null || socket.isClosed();
    }

    synchronized ClientSocket socket() {
        return socket;
    }

    /** @return this session's counts; unanswered are the measured frames nothing came back for */
    synchronized Counts counts() {
        Window measured = window;
        long unanswered = sentAt.values().stream().filter(measured::contains).count();
        return new Counts(socket == null || socket.isClosed(), sent, results, dropped, failed, unanswered, errors, slowDowns, lastError,
                latency.copy(), new Histogram[] {thirds[0].copy(), thirds[1].copy(), thirds[2].copy()});
    }

    /** A snapshot of one session's tallies. */
    record Counts(boolean closed, long sent, long results, long dropped, long failed, long unanswered, long errors, long slowDowns,
                  String lastError, Histogram latency, Histogram[] thirds) {
    }
}
