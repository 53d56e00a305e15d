package io.streaminfer.core.internal;

import io.streaminfer.core.OutboundChannel;
import io.streaminfer.core.ServerMessage;
import io.streaminfer.core.UnansweredReason;

import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The messages of one session on their way to the client, in order, with one send in flight at
 * a time (some containers refuse overlapping asynchronous sends) and the close after the last
 * message. The session adds messages while holding its own lock (adding is cheap and never
 * touches the network) and calls {@link #flush()} after releasing it, so encoding and the
 * transport's send run outside the session's lock.
 *
 * <p>Each message carries an {@link Answer}: when its send completes the outbox tells the
 * session whether the frame it answers was delivered, failed to send, or was discarded, so every
 * frame is counted once by what really happened to its answer.
 */
final class Outbox {

    private static final System.Logger LOG = System.getLogger(Outbox.class.getName());

    /** What one message answers, and who hears what became of it. */
    interface Answer {

        /** The message was written. */
        void delivered();

        /**
         * The message was not written.
         *
         * @param reason why
         */
        void lost(UnansweredReason reason);
    }

    /** Told when the outbox closed the channel; called once, outside every lock. */
    interface Closed {
        void closed(int code);
    }

    private static final Answer NOTHING = new Answer() {
        @Override
        public void delivered() {
            // a message that answers no frame
        }

        @Override
        public void lost(UnansweredReason reason) {
            // a message that answers no frame
        }
    };

    private record Entry(ServerMessage message, Answer answer) {
    }

    private final String sessionId;
    private final OutboundChannel channel;
    private final int maxPending;
    private final Closed onClosed;
    private final ArrayDeque<Entry> queue = new ArrayDeque<>();
    private Entry inFlight;
    private boolean inSend;
    private boolean inFlightDone;
    private boolean closeRequested;
    private boolean closed;
    private boolean closeIssued;
    private int closeCode;
    private String closeReason;
    private long closeRequestedNanos;
    /** Run once the send that was in flight when the connection went away has completed or been given up. */
    private Runnable onSettled;
    private long settleRequestedNanos;

    /**
     * @param sessionId  for logs
     * @param channel    the transport
     * @param maxPending messages that may wait (queued or in flight) before the client counts as a slow consumer
     * @param onClosed   told once when the channel was closed
     */
    Outbox(String sessionId, OutboundChannel channel, int maxPending, Closed onClosed) {
        this.sessionId = sessionId;
        this.channel = channel;
        this.maxPending = maxPending;
        this.onClosed = onClosed;
    }

    /** What became of a message handed to {@link #add}. */
    enum Added {
        /** Queued; it goes out with the next {@link #flush()}. */
        QUEUED,
        /** Not queued: the outbox is closing or closed. */
        CLOSED,
        /** Not queued: the client already has {@code maxPending} messages unread (a slow consumer). */
        FULL
    }

    /** Queues a message that answers no frame. */
    synchronized Added add(ServerMessage message) {
        return add(message, NOTHING);
    }

    /**
     * Queues a message. Cheap; never touches the network and never calls the answer: when the
     * message is not queued, the caller accounts for it.
     */
    synchronized Added add(ServerMessage message, Answer answer) {
        if (closeRequested) {
            return Added.CLOSED;
        }
        if (pending() >= maxPending) {
            return Added.FULL;
        }
        queue.addLast(new Entry(message, answer));
        return Added.QUEUED;
    }

    /** @return messages queued or in flight */
    synchronized int pending() {
        return queue.size() + (inFlight != null ? 1 : 0);
    }

    /**
     * Closes the channel after the messages already queued. Later calls are ignored.
     *
     * @param nowNanos when, so a close stuck behind an unfinished send can be forced later
     */
    synchronized void close(int code, String reason, long nowNanos) {
        if (closeRequested) {
            return;
        }
        closeRequested = true;
        closeCode = code;
        closeReason = reason;
        closeRequestedNanos = nowNanos;
    }

    /**
     * Closes the channel now, discarding what waits. Used when the client stopped reading, when a
     * close is stuck behind a send that never finishes, and when the server stops.
     *
     * @param reason what becomes of the discarded answers
     */
    void abort(int code, String text, UnansweredReason reason) {
        List<Entry> discarded;
        Runnable settled;
        synchronized (this) {
            settled = onSettled;
            onSettled = null;
            if (settled != null) {
                // the connection went away with a send in flight that never finished: give up on it
                discarded = inFlight == null ? List.of() : List.of(inFlight);
                inFlight = null;
            } else if (closeIssued) {
                return;
            } else {
                if (!closeRequested) {
                    closeRequested = true;
                    closeCode = code;
                    closeReason = text;
                }
                closeIssued = true;
                closed = true;
                discarded = new ArrayList<>(queue);
                queue.clear();
                if (inFlight != null) {
                    // the connection is cut under it: count it now, ignore whatever its callback says later
                    discarded.add(0, inFlight);
                    inFlight = null;
                }
            }
        }
        discarded.forEach(e -> e.answer.lost(reason));
        if (settled != null) {
            settled.run();
        } else {
            closeChannel();
        }
    }

    /**
     * The connection is gone: what waits is discarded and nothing more is sent. A send already in
     * the transport's hands is left to complete: the client may well have read it before it left
     * (it closed right after its last answer), and its callback says so.
     *
     * @param nowNanos when, so a send that never completes can be given up later
     * @param settled  run once nothing of the session is left in the transport's hands: at once
     *                 by the caller when this returns {@literal false}, else by the outbox when the
     *                 send in flight completes or is given up ({@link #abort}); may be {@literal null}
     * @return whether a send was in flight
     */
    boolean transportClosed(long nowNanos, Runnable settled) {
        List<Entry> discarded;
        boolean sending;
        synchronized (this) {
            closeRequested = true;
            closed = true;
            closeIssued = true;
            discarded = new ArrayList<>(queue);
            queue.clear();
            sending = inFlight != null;
            if (sending && settled != null && onSettled == null) {
                onSettled = settled;
                settleRequestedNanos = nowNanos;
            }
        }
        discarded.forEach(e -> e.answer.lost(UnansweredReason.CLOSED));
        return sending;
    }

    /**
     * @return whether a close has waited behind an unfinished send for longer than {@code grace},
     *         or the connection went away and the send in flight then has not completed within it
     */
    synchronized boolean closeStalled(long nowNanos, long graceNanos) {
        return closeRequested && !closeIssued && nowNanos - closeRequestedNanos >= graceNanos
                || onSettled != null && nowNanos - settleRequestedNanos >= graceNanos;
    }

    /** Sends what waits, one message at a time, then the close if one was asked for. Call without holding a lock. */
    void flush() {
        while (true) {
            Entry entry;
            synchronized (this) {
                if (inFlight != null || closeIssued) {
                    return;
                }
                entry = queue.pollFirst();
                if (entry == null) {
                    if (!closeRequested) {
                        return;
                    }
                    closeIssued = true;
                    closed = true;
                } else {
                    inFlight = entry;
                    inSend = true;
                    inFlightDone = false;
                }
            }
            if (entry == null) {
                closeChannel();
                return;
            }
            send(entry);
            synchronized (this) {
                inSend = false;
                if (!inFlightDone) {
                    return; // the callback comes later and flushes again
                }
            }
        }
    }

    private void send(Entry entry) {
        try {
            channel.send(entry.message, new OutboundChannel.SendCallback() {
                @Override
                public void succeeded() {
                    completed(entry, null);
                }

                @Override
                public void failed(Throwable cause) {
                    completed(entry, cause);
                }
            });
        } catch (RuntimeException e) {
            completed(entry, e);
        }
    }

    private void completed(Entry entry, Throwable failure) {
        boolean inline;
        Runnable settled;
        synchronized (this) {
            if (inFlight != entry) {
                return; // completed twice (a broken transport), or given up on: count it once
            }
            inFlight = null;
            inFlightDone = true;
            inline = inSend;
            settled = onSettled;
            onSettled = null;
        }
        if (failure == null) {
            entry.answer.delivered();
        } else {
            LOG.log(Level.DEBUG, () -> "session " + sessionId + ": a message could not be written: " + failure);
            entry.answer.lost(UnansweredReason.SEND_FAILED);
        }
        if (settled != null) {
            settled.run();
        }
        if (!inline) {
            flush();
        }
    }

    private void closeChannel() {
        int code;
        String reason;
        synchronized (this) {
            code = closeCode;
            reason = closeReason;
        }
        try {
            channel.close(code, reason);
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, () -> "session " + sessionId + ": closing the connection failed: " + e);
        }
        onClosed.closed(code);
    }

    /** @return whether the channel was closed or the connection is gone */
    synchronized boolean isClosed() {
        return closed;
    }
}
