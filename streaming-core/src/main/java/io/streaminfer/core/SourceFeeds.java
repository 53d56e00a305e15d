package io.streaminfer.core;

import java.util.List;
import java.util.Optional;

/**
 * Port through which a transport serves {@code /ws/sources/{id}}: read-only watchers of the
 * results of a source the server pulls itself (an RTSP camera, an MJPEG URL, a folder).
 *
 * <p>A transport calls {@link #watch} once per accepted watcher connection, with a
 * {@link WatcherChannel} of its own, and {@link Subscription#cancel()} when that connection ends,
 * whoever closed it. From then on the feed pushes the source's results into the channel, each a
 * text message holding the same JSON as a session's answers, preceded by the frame's JPEG as a
 * binary message when the watcher asked for frames. The feed never waits for a watcher: it hands
 * the channel one message at a time and, while a send is unfinished, keeps only the newest result
 * for it (a slow watcher loses results, never slows the source or other watchers). Implementations
 * are thread-safe.
 */
public interface SourceFeeds {

    /** The path prefix watchers connect to: {@code /ws/sources/<id>}. */
    String PATH_PREFIX = "/ws/sources/";
    /** The query parameter that asks for each frame's JPEG before its result ({@code frames=true}). */
    String FRAMES_PARAMETER = "frames";

    /**
     * Subscribes a watcher.
     *
     * @param sourceId the id from the path
     * @param frames   whether the watcher wants each frame's JPEG as a binary message before its result
     * @param channel  where this watcher's messages go
     * @return the subscription, or empty when there is no such source (the transport then sends
     *         the error {@code invalid_source} with {@link #unknownSourceDetail} and closes with 1008)
     */
    Optional<Subscription> watch(String sourceId, boolean frames, WatcherChannel channel);

    /**
     * @return the ids of the sources, in a stable order; never {@literal null}
     */
    List<String> ids();

    /**
     * @param sourceId the id a watcher asked for
     * @return the {@code detail} of the {@code invalid_source} error a watcher of an unknown source
     *         gets before close 1008: the id as asked (printable, bounded) and the known ones; never {@literal null}
     */
    default String unknownSourceDetail(String sourceId) {
        String shown = sourceId == null ? "" : sourceId.replaceAll("[^A-Za-z0-9_.-]", "?");
        if (shown.length() > 64) {
            shown = shown.substring(0, 64) + "...";
        }
        return "unknown source '" + shown + "'; known sources: " + ids();
    }

    /**
     * @param frames the value of the {@link #FRAMES_PARAMETER} query parameter, or {@literal null}
     * @return whether it asks for frames: {@code true}, {@code 1} or {@code yes}
     */
    static boolean framesWanted(String frames) {
        return frames != null && (frames.equalsIgnoreCase("true") || frames.equals("1") || frames.equalsIgnoreCase("yes"));
    }

    /**
     * @param path a request path without its query
     * @return the source id in {@code /ws/sources/<id>}, or empty when the path is not a watcher's
     */
    static Optional<String> sourceIdOf(String path) {
        if (path == null || !path.startsWith(PATH_PREFIX) || path.length() == PATH_PREFIX.length()) {
            return Optional.empty();
        }
        String id = path.substring(PATH_PREFIX.length());
        return id.indexOf('/') >= 0 ? Optional.empty() : Optional.of(id);
    }

    /** @return feeds with no source at all: every watcher is told the source is unknown */
    static SourceFeeds none() {
        return new SourceFeeds() {
            @Override
            public Optional<Subscription> watch(String sourceId, boolean frames, WatcherChannel channel) {
                return Optional.empty();
            }

            @Override
            public List<String> ids() {
                return List.of();
            }
        };
    }

    /** A watcher's registration; cancel it once when the connection ends. */
    interface Subscription {
        /** Stops sending to the watcher. Idempotent. */
        void cancel();
    }

    /**
     * Port to one watcher's connection, implemented by the transport. The feed calls it from its
     * own threads but never concurrently for one channel, and calls the next send only after the
     * previous one's callback: at most one message is in the transport's hands at a time.
     */
    interface WatcherChannel {

        /**
         * Queues a text message without blocking on the network.
         *
         * @param json the message
         * @param done run once when the write finished or failed, from any thread
         */
        void sendText(String json, Runnable done);

        /**
         * Queues a binary message (a frame's JPEG) without blocking on the network.
         *
         * @param jpeg the image; not modified by anyone afterwards
         * @param done run once when the write finished or failed, from any thread
         */
        void sendBinary(byte[] jpeg, Runnable done);

        /**
         * Closes the connection after what is queued (the source went away, or the server stops).
         *
         * @param code   a WebSocket close code
         * @param reason a short reason for humans
         */
        void close(int code, String reason);
    }
}
