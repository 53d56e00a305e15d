package io.streaminfer.core;

import java.util.Objects;

/**
 * One watcher of a source, fed as {@link SourceFeeds} promises: {@link #offer} never waits; the
 * channel gets one message at a time (a frame, then its result, for a watcher that asked for
 * frames), the next only after the previous one's {@code done}; while a send is unfinished only
 * the newest result waits, and each result it replaces is reported to {@code onLost}. The
 * building block of every {@link SourceFeeds}, so the server's feeds and a test's hand-driven ones
 * keep the contract the same way. Thread-safe.
 */
public final class NewestResultWatcher {

    private final boolean frames;
    private final SourceFeeds.WatcherChannel channel;
    private final Runnable onLost;
    private final Object lock = new Object();
    private boolean busy;
    private boolean closed;
    private Message waiting;

    private record Message(String json, byte[] jpeg) {
    }

    /**
     * @param frames  whether the watcher wants each frame's JPEG before its result
     * @param channel its connection
     * @param onLost  told (on the offering thread) each time a waiting result is replaced by a newer one
     */
    public NewestResultWatcher(boolean frames, SourceFeeds.WatcherChannel channel, Runnable onLost) {
        this.frames = frames;
        this.channel = Objects.requireNonNull(channel, "channel");
        this.onLost = Objects.requireNonNull(onLost, "onLost");
    }

    /**
     * Sends a result now, or keeps it as the next one when a send is unfinished. Returns at once.
     *
     * @param json the result's JSON, sent as one text message
     * @param jpeg its frame, sent first to a watcher that asked for frames; {@literal null} for none
     */
    public void offer(String json, byte[] jpeg) {
        Message message = new Message(Objects.requireNonNull(json, "json"), jpeg);
        boolean replaced = false;
        synchronized (lock) {
            if (closed) {
                return;
            }
            if (busy) {
                replaced = waiting != null;
                waiting = message; // the newest wins
                message = null;
            } else {
                busy = true;
            }
        }
        if (message != null) {
            send(message);
        } else if (replaced) {
            onLost.run();
        }
    }

    private void send(Message message) {
        if (frames && message.jpeg() != null) {
            channel.sendBinary(message.jpeg(), () -> channel.sendText(message.json(), this::sent));
        } else {
            channel.sendText(message.json(), this::sent);
        }
    }

    private void sent() {
        Message next;
        synchronized (lock) {
            next = waiting;
            waiting = null;
            if (next == null || closed) {
                busy = false;
                return;
            }
        }
        send(next);
    }

    /** The connection ended: nothing more is sent, not even what was waiting. Idempotent. */
    public void cancel() {
        synchronized (lock) {
            closed = true;
            waiting = null;
        }
    }

    /**
     * Stops sending and closes the connection after what is in the transport's hands.
     *
     * @param code   a WebSocket close code
     * @param reason a short reason for humans
     */
    public void close(int code, String reason) {
        cancel();
        channel.close(code, reason);
    }
}
