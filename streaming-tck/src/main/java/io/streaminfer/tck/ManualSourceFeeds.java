package io.streaminfer.tck;

import io.streaminfer.core.NewestResultWatcher;
import io.streaminfer.core.SourceFeeds;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link SourceFeeds} that a test drives by hand, the way a manual clock stands in for time: the
 * test adds sources and {@link #publish}es their results itself, with no camera and no engine. A
 * test fixture, used by {@link SourceWatchCompatibilityKit}; the server's own feeds are the sources
 * module's.
 *
 * <p>It keeps the port's contract with the core's {@link NewestResultWatcher}, as the server's
 * feeds do: {@link #publish} never waits for a transport; each watcher's channel gets one message
 * at a time (a frame, then its result, for watchers that asked for frames), the next only after
 * the previous one's {@code done}; while a watcher is busy only the newest result waits for it,
 * and every result it replaces is counted as {@link #lost}. It also checks the transport's side:
 * every {@code done} runs exactly once (a second run is recorded in {@link #contractViolations()}).
 * Thread-safe.
 */
public final class ManualSourceFeeds implements SourceFeeds {

    private final Map<String, Source> sources = new ConcurrentHashMap<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();

    /**
     * Adds a source watchers can subscribe to.
     *
     * @param id the source's id, as in {@code /ws/sources/<id>}
     * @return this fixture
     * @throws IllegalArgumentException when the id is already taken
     */
    public ManualSourceFeeds add(String id) {
        Objects.requireNonNull(id, "id");
        if (sources.putIfAbsent(id, new Source()) != null) {
            throw new IllegalArgumentException("source '" + id + "' exists already");
        }
        return this;
    }

    /**
     * Sends a result to every watcher of a source, or keeps it as the next one of those still busy
     * with an earlier message. Returns at once.
     *
     * @param id   the source
     * @param json the result's JSON, sent as one text message
     * @param jpeg its frame, sent first as one binary message to watchers that asked for frames;
     *             {@literal null} for none
     */
    public void publish(String id, String json, byte[] jpeg) {
        Objects.requireNonNull(json, "json");
        for (NewestResultWatcher watcher : source(id).watchers) {
            watcher.offer(json, jpeg);
        }
    }

    /**
     * Closes the connections of a source's watchers, as a feed does when its source goes away.
     *
     * @param id     the source
     * @param code   the close code the transport must close with
     * @param reason a short reason
     */
    public void closeWatchers(String id, int code, String reason) {
        Source source = source(id);
        for (NewestResultWatcher watcher : source.watchers) {
            source.watchers.remove(watcher);
            watcher.close(code, reason);
        }
    }

    /**
     * @param id the source
     * @return its watchers now: subscribed and not yet cancelled
     */
    public int watchers(String id) {
        return source(id).watchers.size();
    }

    /**
     * @param id the source
     * @return results its watchers lost because a newer one replaced them while they were busy
     */
    public long lost(String id) {
        return source(id).lost.get();
    }

    /** @return what the transports did against the port's contract, in order; empty when nothing */
    public List<String> contractViolations() {
        return List.copyOf(violations);
    }

    @Override
    public Optional<Subscription> watch(String sourceId, boolean frames, WatcherChannel channel) {
        Source source = sourceId == null ? null : sources.get(sourceId);
        if (source == null) {
            return Optional.empty();
        }
        NewestResultWatcher watcher = new NewestResultWatcher(frames, new CheckedChannel(channel), source.lost::incrementAndGet);
        source.watchers.add(watcher);
        return Optional.of(() -> {
            source.watchers.remove(watcher);
            watcher.cancel();
        });
    }

    @Override
    public List<String> ids() {
        List<String> ids = new ArrayList<>(sources.keySet());
        ids.sort(null);
        return ids;
    }

    private Source source(String id) {
        Source source = sources.get(id);
        if (source == null) {
            throw new IllegalArgumentException("no source '" + id + "': add it first");
        }
        return source;
    }

    private static final class Source {
        final List<NewestResultWatcher> watchers = new CopyOnWriteArrayList<>();
        final AtomicLong lost = new AtomicLong();
    }

    /** The transport's channel, with each {@code done} checked to run exactly once. */
    private final class CheckedChannel implements WatcherChannel {
        private final WatcherChannel channel;

        CheckedChannel(WatcherChannel channel) {
            this.channel = channel;
        }

        @Override
        public void sendText(String json, Runnable done) {
            channel.sendText(json, once("sendText", done));
        }

        @Override
        public void sendBinary(byte[] jpeg, Runnable done) {
            channel.sendBinary(jpeg, once("sendBinary", done));
        }

        @Override
        public void close(int code, String reason) {
            channel.close(code, reason);
        }

        /** The callback of one send: runs {@code next} the first time, records any later run. */
        private Runnable once(String send, Runnable next) {
            AtomicBoolean ran = new AtomicBoolean();
            return () -> {
                if (ran.compareAndSet(false, true)) {
                    next.run();
                } else {
                    violations.add("the done callback of " + send + " ran twice");
                }
            };
        }
    }
}
