package io.streaminfer.sources;

import io.streaminfer.core.NewestResultWatcher;
import io.streaminfer.core.SourceFeeds.Subscription;
import io.streaminfer.core.SourceFeeds.WatcherChannel;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One source's results, fanned out to its watchers. {@link #publish} never waits: each watcher
 * has at most one message in its transport's hands and keeps only the newest result behind it,
 * so a watcher that reads slowly (or not at all) loses results and costs the source nothing.
 * Thread-safe; {@link #publish} is called by one thread at a time (the source's session).
 */
final class ResultFeed {

    private static final int GOING_AWAY = 1001;

    private final CopyOnWriteArrayList<NewestResultWatcher> watchers = new CopyOnWriteArrayList<>();
    private final AtomicLong lost = new AtomicLong();
    private volatile boolean closed;
    /** The current session's first result: it carries what a late watcher needs to draw (zones' geometry). */
    private volatile Message first;

    /** A result kept for late watchers: its JSON and, for watchers that asked, its frame. */
    record Message(String json, byte[] jpeg) {
    }

    /**
     * Sends a result to every watcher, or keeps it as the next one for those still busy.
     *
     * @param json      the result's JSON, as a session's answer
     * @param jpeg      the frame it belongs to, or {@literal null} when not kept
     * @param firstOfSession whether it is the first result of the source's current session
     */
    void publish(String json, byte[] jpeg, boolean firstOfSession) {
        if (firstOfSession) {
            first = new Message(json, jpeg);
        }
        for (NewestResultWatcher watcher : watchers) {
            watcher.offer(json, jpeg);
        }
    }

    /** Forgets the first result when the source's session ends: the next session starts afresh. */
    void sessionEnded() {
        first = null;
    }

    /**
     * @param frames  whether the watcher wants frames before results
     * @param channel its connection
     * @return its subscription
     */
    Subscription subscribe(boolean frames, WatcherChannel channel) {
        NewestResultWatcher watcher = new NewestResultWatcher(frames, channel, lost::incrementAndGet);
        watchers.add(watcher);
        if (closed) { // the source was removed while this watcher connected
            watchers.remove(watcher);
            watcher.close(GOING_AWAY, "the source was removed");
            return () -> { };
        }
        Message opening = first;
        if (opening != null) {
            watcher.offer(opening.json(), opening.jpeg());
        }
        return () -> {
            watchers.remove(watcher);
            watcher.cancel();
        };
    }

    /**
     * Closes every watcher's connection (the source was removed, or the server stops).
     *
     * @param code   a WebSocket close code
     * @param reason a short reason
     */
    void closeAll(int code, String reason) {
        closed = true;
        for (NewestResultWatcher watcher : watchers) {
            watchers.remove(watcher);
            try {
                watcher.close(code, reason);
            } catch (RuntimeException e) { // one transport's failure must not keep the others open, nor stop a shutdown
                System.getLogger(ResultFeed.class.getName()).log(System.Logger.Level.DEBUG, () -> "closing a watcher failed: " + e);
            }
        }
    }

    /** @return watchers connected now */
    int watchers() {
        return watchers.size();
    }

    /** @return results that watchers lost because they were still busy with an earlier one */
    long lost() {
        return lost.get();
    }
}
