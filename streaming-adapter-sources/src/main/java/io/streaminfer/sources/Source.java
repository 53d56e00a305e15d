package io.streaminfer.sources;

import io.streaminfer.core.Clock;
import io.streaminfer.core.FrameRejectedException;
import io.streaminfer.core.OutboundChannel;
import io.streaminfer.core.ServerMessage;
import io.streaminfer.core.StreamEngine;
import io.streaminfer.core.StreamSession;
import io.streaminfer.protocol.JsonMessageCodec;
import io.streaminfer.protocol.Redaction;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One source at run time: its own thread connects, reads frames and hands them to an engine
 * session exactly as a transport hands a client's binary messages, so the engine's backpressure
 * applies unchanged (the newest frame wins; the reading thread never waits for a pipeline). When
 * the connection ends or fails, the session is closed and the thread waits with exponential
 * backoff before the next attempt. The session's answers become the feed its watchers see.
 *
 * <p>A frame the engine would refuse (not a JPEG, broken, too large) is checked with the engine's
 * own validator before it is handed over and skipped, counted as {@code invalid}: a client that
 * sends one is a broken client and is closed, but one corrupt frame from a camera is a glitch
 * (a torn MJPEG part, a bad file in a folder) and must not cost a reconnect. Only when
 * {@code STREAM_MAX_CONSECUTIVE_FAILURES} frames in a row are refused is the connection cut and
 * retried with backoff, with the validator's reason in {@code last_error}.
 */
final class Source {

    private static final System.Logger LOG = System.getLogger(Source.class.getName());
    /**
     * Frames kept, by index, until answered, so a watcher that wants frames gets the one its result
     * belongs to however long the pipeline takes. The engine holds few frames per session (one in
     * the pipeline, the queue's); this only bounds a misbehaving case.
     */
    private static final int KEPT_FRAMES = 64;

    private final SourceDefinition definition;
    private final AdmittedSource admitted;
    private final StreamEngine engine;
    private final SourceSettings settings;
    private final Clock clock;
    private final JsonMessageCodec codec;
    private final ResultFeed feed = new ResultFeed();
    private final Thread thread;
    private final Object lock = new Object();

    private final AtomicLong framesIn = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong processed = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong invalid = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();

    private volatile boolean stopping;
    private volatile SourceStatus.State state = SourceStatus.State.CONNECTING;
    private volatile Instant since = Instant.now();
    private volatile String lastError = "";
    private volatile Instant lastErrorAt;
    private volatile FrameReader reader;
    /** When the current attempt last made progress (started, or brought a frame), for the stall check. */
    private volatile long lastProgressNanos;
    private volatile byte[] latestFrame;
    private volatile long backoffMillis;
    /** Why the current connection was cut from outside (stalled), to report instead of what the read saw. */
    private volatile String cutReason;

    Source(AdmittedSource admitted, StreamEngine engine, SourceSettings settings, Clock clock, JsonMessageCodec codec) {
        this.admitted = admitted;
        this.definition = admitted.definition();
        this.engine = engine;
        this.settings = settings;
        this.clock = clock;
        this.codec = codec;
        this.thread = new Thread(this::run, "source-" + definition.id());
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    SourceDefinition definition() {
        return definition;
    }

    ResultFeed feed() {
        return feed;
    }

    /** @return the newest frame read, or {@literal null} before the first */
    byte[] latestFrame() {
        return latestFrame;
    }

    SourceStatus status() {
        return new SourceStatus(definition.id(), definition.redactedUrl(), definition.pipelineId(), definition.fps(),
                definition.kind(), state, since, framesIn.get(), skipped.get(), processed.get(), dropped.get(),
                failed.get(), invalid.get(), connections.get(), reconnects.get(), state == SourceStatus.State.BACKOFF ? backoffMillis : 0, lastError, lastErrorAt, feed.watchers(), feed.lost());
    }

    /**
     * Drops the connection when it brought nothing for the stall timeout; the thread then retries.
     * Called periodically by the manager.
     */
    void checkStall() {
        FrameReader current = reader;
        // a source asked for fewer frames than one per stall timeout is not stalled between them
        long stall = Math.max(settings.stallTimeout().toNanos(), (long) (2e9 / definition.fps()));
        if (current != null && state != SourceStatus.State.BACKOFF && clock.nanoTime() - lastProgressNanos > stall) {
            cutReason = "no frame for " + Math.round(stall / 1e9) + " s";
            current.interrupt();
        }
    }

    /**
     * Stops the source: the connection is closed (FFmpeg killed), the session ends, watchers are
     * closed with the given code.
     *
     * @param closeCode  what watchers' connections close with
     * @param reason     why, for them
     * @param wait       how long to wait for the source's thread to end
     * @return whether it ended in time
     */
    boolean stop(int closeCode, String reason, Duration wait) {
        requestStop();
        return awaitStop(closeCode, reason, System.nanoTime() + wait.toNanos());
    }

    /** Tells the source to stop and returns at once: its connection is cut, its thread ends soon. */
    void requestStop() {
        stopping = true;
        FrameReader current = reader;
        if (current != null) {
            current.interrupt(); // the source's thread closes it and ends
        }
        synchronized (lock) {
            lock.notifyAll();
        }
        thread.interrupt();
    }

    /**
     * Waits for the source's thread after {@link #requestStop()}, then closes its watchers.
     *
     * @param closeCode  what watchers' connections close with
     * @param reason     why, for them
     * @param deadline   {@link System#nanoTime()} to wait until at most
     * @return whether the thread ended in time
     */
    boolean awaitStop(int closeCode, String reason, long deadline) {
        try {
            thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        feed.closeAll(closeCode, reason);
        return !thread.isAlive();
    }

    private void run() {
        Duration backoff = settings.firstBackoff();
        boolean first = true;
        while (!stopping) {
            if (!first) {
                reconnects.incrementAndGet();
            }
            first = false;
            enter(SourceStatus.State.CONNECTING);
            boolean broughtFrames;
            try {
                broughtFrames = attempt();
            } catch (RuntimeException e) { // opening the session failed in a way nobody expected: log, wait, retry
                LOG.log(System.Logger.Level.WARNING, "source " + definition.id() + " failed", e);
                fail("an internal error; see the server log");
                broughtFrames = false;
            }
            if (stopping) {
                break;
            }
            if (broughtFrames) {
                backoff = settings.firstBackoff(); // it worked for a while: start the backoff again
            }
            long waitMillis = backoff.toMillis();
            backoffMillis = waitMillis;
            enter(SourceStatus.State.BACKOFF);
            LOG.log(System.Logger.Level.INFO, () -> "source " + definition.id() + " disconnected (" + lastError
                    + "); next attempt in " + waitMillis + " ms");
            pause(backoff);
            backoff = backoff.multipliedBy(2).compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff()
                    : backoff.multipliedBy(2);
        }
        enter(SourceStatus.State.STOPPED);
    }

    /** One connection, from opening the session to the end of the stream. @return whether a frame came */
    private boolean attempt() {
        lastProgressNanos = clock.nanoTime();
        cutReason = null;
        SessionChannel channel = new SessionChannel();
        StreamSession session = engine.open(definition.pipelineId(), channel, "source:" + definition.id());
        if (session.isClosed()) {
            fail(channel.refusal == null ? "the engine refused the session" : channel.refusal);
            return false;
        }
        boolean broughtFrames = false;
        FrameReader opened = null;
        try {
            opened = open();
            reader = opened;
            if (stopping) {
                return false;
            }
            Pacer pacer = new Pacer(definition, clock);
            int invalidInRow = 0;
            byte[] frame;
            while (!stopping && !channel.closed && (frame = opened.next()) != null) {
                lastProgressNanos = clock.nanoTime();
                framesIn.incrementAndGet();
                if (!broughtFrames) {
                    broughtFrames = true;
                    connections.incrementAndGet();
                    enter(SourceStatus.State.CONNECTED);
                }
                if (!pacer.admit(this::pauseNanos)) {
                    skipped.incrementAndGet();
                    continue;
                }
                try {
                    engine.validator().validate(frame);
                    invalidInRow = 0;
                } catch (FrameRejectedException e) {
                    invalid.incrementAndGet();
                    fail("a frame was refused: " + e.getMessage());
                    if (++invalidInRow >= engine.config().maxConsecutiveFailures()) {
                        cutReason = invalidInRow + " frames in a row were refused, the last: " + e.getMessage();
                        break;
                    }
                    continue;
                }
                latestFrame = frame;
                channel.keep(frame);
                session.onBinaryMessage(frame);
            }
            if (!stopping) {
                fail(cutReason != null ? cutReason : channel.closed ? "the session ended: " + channel.closeReason
                        : withDetail("the stream ended", opened));
            }
        } catch (IOException e) {
            if (!stopping) {
                fail(cutReason != null ? cutReason : withDetail(Redaction.urlsIn((e.getMessage() == null ? "the connection failed"
                        : e.getMessage()).replace(definition.url(), definition.redactedUrl())), opened));
            }
        } catch (RuntimeException e) { // a bug must not end the source's thread: log it and retry
            LOG.log(System.Logger.Level.WARNING, "source " + definition.id() + " failed", e);
            fail("an internal error; see the server log");
        } finally {
            reader = null;
            if (opened != null) {
                opened.close();
            }
            if (!session.isClosed()) {
                session.onTransportClosed(1000);
            }
            feed.sessionEnded();
        }
        return broughtFrames;
    }

    private FrameReader open() throws IOException {
        return switch (definition.kind()) {
            case FFMPEG -> FfmpegReader.start(admitted, settings.ffmpeg(), settings.maxFrameBytes(),
                    "source-" + definition.id() + "-ffmpeg");
            case MJPEG -> MjpegReader.open(definition, settings.maxFrameBytes());
            case FOLDER -> FolderReader.open(admitted.realPath(), admitted.confinedTo(), settings.maxFrameBytes());
        };
    }

    private static String withDetail(String what, FrameReader reader) {
        String detail = reader == null ? "" : reader.failureDetail();
        return detail.isEmpty() ? what : what + " (" + detail + ")";
    }

    private void fail(String why) {
        lastError = why;
        lastErrorAt = Instant.now();
    }

    private void enter(SourceStatus.State next) {
        if (state != next) {
            state = next;
            since = Instant.now();
        }
    }

    private void pause(Duration duration) {
        pauseNanos(duration.toNanos());
    }

    /** Waits, waking at once when the source stops. */
    private void pauseNanos(long nanos) {
        long deadline = System.nanoTime() + nanos;
        synchronized (lock) {
            long left;
            while (!stopping && (left = deadline - System.nanoTime()) > 0) {
                try {
                    lock.wait(Math.max(1, left / 1_000_000), 0);
                } catch (InterruptedException e) {
                    if (stopping) {
                        return;
                    }
                }
            }
        }
    }

    /** The session's outbound side: answers become the feed and the counters. */
    private final class SessionChannel implements OutboundChannel {
        private final java.util.Map<Long, byte[]> kept = new java.util.LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(java.util.Map.Entry<Long, byte[]> eldest) {
                return size() > KEPT_FRAMES;
            }
        };
        private long delivered;
        private boolean firstResultSent;
        volatile boolean closed;
        volatile String closeReason = "";
        volatile String refusal;

        /** Keeps the frame about to be delivered under the index the engine will give it. */
        void keep(byte[] frame) {
            long index = ++delivered;
            synchronized (kept) {
                kept.put(index, frame);
            }
        }

        /** @return the frame of an answered index, forgotten from now on */
        private byte[] answered(long index) {
            synchronized (kept) {
                return kept.remove(index);
            }
        }

        @Override
        public void send(ServerMessage message, SendCallback callback) {
            try {
                if (message instanceof ServerMessage.FrameResult result) {
                    processed.incrementAndGet();
                    boolean opening = !firstResultSent;
                    firstResultSent = true;
                    feed.publish(codec.encode(message), answered(result.frameIndex()), opening);
                } else if (message instanceof ServerMessage.FrameDropped drop) {
                    dropped.incrementAndGet();
                    answered(drop.frameIndex());
                } else if (message instanceof ServerMessage.StreamError error) {
                    if (error.frameIndex().isPresent()) {
                        failed.incrementAndGet();
                        answered(error.frameIndex().getAsLong());
                        feed.publish(codec.encode(message), null, false);
                    } else {
                        refusal = error.detail();
                    }
                }
            } finally {
                callback.succeeded(); // watchers never hold the session back
            }
        }

        @Override
        public void close(int closeCode, String reason) {
            closeReason = (reason == null || reason.isEmpty() ? "closed" : reason) + " (" + closeCode + ")";
            closed = true;
            FrameReader current = reader;
            if (current != null) {
                current.interrupt(); // on the engine's thread: never wait here; the reading loop ends and closes it
            }
        }
    }
}
