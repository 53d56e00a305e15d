package io.streaminfer.core;

import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * The engine's settings. Immutable; build with {@link #ofDefaults()} or {@link #builder()}.
 * Each setting's name, default and range are declared once, in {@link StreamSetting}; values are
 * checked against those declarations when built, and a bad value is reported with the setting's
 * property name.
 */
public final class StreamConfig {

    private final long maxFrameBytes;
    private final long maxFramePixels;
    private final int queueDepth;
    private final int losslessQueueDepth;
    private final int rateWindow;
    private final double dropThreshold;
    private final double slowdownThreshold;
    private final int maxConsecutiveFailures;
    private final Duration slowDownInterval;
    private final int maxPendingMessages;
    private final int maxSessions;
    private final int maxSessionsPerClient;
    private final int maxWatchers;
    private final int maxWatchersPerClient;
    private final Duration idleTimeout;
    private final Duration pipelineTimeout;
    private final long memoryBudgetBytes;

    private StreamConfig(Builder b) {
        this.maxFrameBytes = b.checked(StreamSetting.MAX_FRAME_BYTES);
        this.maxFramePixels = b.checked(StreamSetting.MAX_FRAME_PIXELS);
        this.queueDepth = b.checked(StreamSetting.QUEUE_DEPTH);
        this.losslessQueueDepth = b.checked(StreamSetting.LOSSLESS_QUEUE_DEPTH);
        this.rateWindow = b.checked(StreamSetting.RATE_WINDOW);
        this.dropThreshold = b.checked(StreamSetting.DROP_THRESHOLD);
        this.slowdownThreshold = b.checked(StreamSetting.SLOWDOWN_THRESHOLD);
        this.maxConsecutiveFailures = b.checked(StreamSetting.MAX_CONSECUTIVE_FAILURES);
        this.slowDownInterval = b.checked(StreamSetting.SLOW_DOWN_INTERVAL);
        this.maxPendingMessages = b.checked(StreamSetting.MAX_PENDING_MESSAGES);
        this.maxSessions = b.checked(StreamSetting.MAX_SESSIONS);
        this.maxSessionsPerClient = b.checked(StreamSetting.MAX_SESSIONS_PER_CLIENT);
        this.maxWatchers = b.checked(StreamSetting.MAX_WATCHERS);
        this.maxWatchersPerClient = b.checked(StreamSetting.MAX_WATCHERS_PER_CLIENT);
        this.idleTimeout = b.checked(StreamSetting.IDLE_TIMEOUT);
        this.pipelineTimeout = b.checked(StreamSetting.PIPELINE_TIMEOUT);
        this.memoryBudgetBytes = b.checked(StreamSetting.MEMORY_BUDGET_BYTES);
        if (dropThreshold > slowdownThreshold) {
            throw new IllegalArgumentException(StreamSetting.DROP_THRESHOLD.property() + " must be at most the "
                    + StreamSetting.SLOWDOWN_THRESHOLD.property() + " (" + slowdownThreshold + "), got " + dropThreshold);
        }
    }

    /**
     * @return the defaults of {@link StreamSetting}: 5 MiB and 16,777,216-pixel frames, queue depth 1 (32 for
     *         lossless sessions), a window of 30, thresholds 0.10 and 0.30, 5 consecutive failures, slow-down
     *         every 2 s, 256 pending messages, 64 sessions, no cap per client address, 256 watchers of
     *         sources (16 per client address), 60 s idle timeout, 10 s
     *         pipeline timeout, and a memory budget of 40 % of the largest heap (at least 16 MiB)
     */
    public static StreamConfig ofDefaults() {
        return builder().build();
    }

    /**
     * @return a builder holding the defaults
     */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the largest accepted frame in bytes */
    public long maxFrameBytes() {
        return maxFrameBytes;
    }

    /** @return the most pixels (width × height) a frame may declare before it is decoded */
    public long maxFramePixels() {
        return maxFramePixels;
    }

    /** @return how many frames of a session may wait while one is in the pipeline */
    public int queueDepth() {
        return queueDepth;
    }

    /** @return how many frames of a session opened with {@code mode=lossless} may wait, in order */
    public int losslessQueueDepth() {
        return losslessQueueDepth;
    }

    /** @return how many of the last answered frames the drop rate is measured over */
    public int rateWindow() {
        return rateWindow;
    }

    /** @return the drop rate at which a session enters {@link BackpressureState#WARNING} */
    public double dropThreshold() {
        return dropThreshold;
    }

    /** @return the drop rate at which a session enters {@link BackpressureState#CRITICAL} */
    public double slowdownThreshold() {
        return slowdownThreshold;
    }

    /** @return how many frames in a row may fail before the session is closed with 1011 */
    public int maxConsecutiveFailures() {
        return maxConsecutiveFailures;
    }

    /** @return the least time between two slow-down warnings while a session stays critical */
    public Duration slowDownInterval() {
        return slowDownInterval;
    }

    /** @return how many answers may wait to be written to one client before it counts as a slow consumer */
    public int maxPendingMessages() {
        return maxPendingMessages;
    }

    /** @return how many sessions may be open at once */
    public int maxSessions() {
        return maxSessions;
    }

    /**
     * @return how many sessions one remote address may have open at once; {@code 0} (the default) means no
     *         cap per address, since every client behind a proxy or NAT shares one address
     */
    public int maxSessionsPerClient() {
        return maxSessionsPerClient;
    }

    /** @return how many watchers of sources ({@code /ws/sources/<id>}) may be connected at once, in all */
    public int maxWatchers() {
        return maxWatchers;
    }

    /**
     * @return how many watchers of sources one client address may have connected at once; {@code 0} means
     *         no cap per address
     */
    public int maxWatchersPerClient() {
        return maxWatchersPerClient;
    }

    /** @return how long a session may go without a frame before it is closed with 1001 */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** @return how long a pipeline may run on one frame before that frame fails with "timed out" */
    public Duration pipelineTimeout() {
        return pipelineTimeout;
    }

    /**
     * @return the bytes of frames the server may hold across all sessions; by default 40 % of
     *         {@link Runtime#maxMemory()}, at least 16 MiB
     */
    public long memoryBudgetBytes() {
        return memoryBudgetBytes;
    }

    /**
     * @param setting a declared setting
     * @param <T>     its type
     * @return this configuration's value of it; never {@literal null}
     */
    public <T extends Comparable<? super T>> T get(StreamSetting<T> setting) {
        return setting.type().cast(values().get(setting));
    }

    private Map<StreamSetting<?>, Object> values() {
        Map<StreamSetting<?>, Object> values = new IdentityHashMap<>();
        values.put(StreamSetting.MAX_FRAME_BYTES, maxFrameBytes);
        values.put(StreamSetting.MAX_FRAME_PIXELS, maxFramePixels);
        values.put(StreamSetting.QUEUE_DEPTH, queueDepth);
        values.put(StreamSetting.LOSSLESS_QUEUE_DEPTH, losslessQueueDepth);
        values.put(StreamSetting.RATE_WINDOW, rateWindow);
        values.put(StreamSetting.DROP_THRESHOLD, dropThreshold);
        values.put(StreamSetting.SLOWDOWN_THRESHOLD, slowdownThreshold);
        values.put(StreamSetting.MAX_CONSECUTIVE_FAILURES, maxConsecutiveFailures);
        values.put(StreamSetting.SLOW_DOWN_INTERVAL, slowDownInterval);
        values.put(StreamSetting.MAX_PENDING_MESSAGES, maxPendingMessages);
        values.put(StreamSetting.MAX_SESSIONS, maxSessions);
        values.put(StreamSetting.MAX_SESSIONS_PER_CLIENT, maxSessionsPerClient);
        values.put(StreamSetting.MAX_WATCHERS, maxWatchers);
        values.put(StreamSetting.MAX_WATCHERS_PER_CLIENT, maxWatchersPerClient);
        values.put(StreamSetting.IDLE_TIMEOUT, idleTimeout);
        values.put(StreamSetting.PIPELINE_TIMEOUT, pipelineTimeout);
        values.put(StreamSetting.MEMORY_BUDGET_BYTES, memoryBudgetBytes);
        return values;
    }

    /**
     * @return a builder starting from these values
     */
    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.values.putAll(values());
        return builder;
    }

    @Override
    public String toString() {
        Map<StreamSetting<?>, Object> values = values();
        StringJoiner text = new StringJoiner(", ", "StreamConfig[", "]");
        for (StreamSetting<?> setting : StreamSetting.all()) {
            text.add(setting.property() + "=" + values.get(setting));
        }
        return text.toString();
    }

    /**
     * Collects settings; {@link #build()} checks each against its {@link StreamSetting} declaration.
     * Not thread-safe.
     */
    public static final class Builder {

        private final Map<StreamSetting<?>, Object> values = new IdentityHashMap<>();

        private Builder() {
            for (StreamSetting<?> setting : StreamSetting.all()) {
                values.put(setting, setting.defaultValue());
            }
        }

        /**
         * Sets any declared setting, as the environment reader does.
         *
         * @param setting the setting
         * @param value   its value, checked by {@link #build()}
         * @param <T>     its type
         * @return this builder
         */
        public <T extends Comparable<? super T>> Builder set(StreamSetting<T> setting, T value) {
            values.put(Objects.requireNonNull(setting, "setting"), setting.type().cast(value));
            return this;
        }

        /**
         * @param bytes the largest accepted frame in bytes ({@link StreamSetting#MAX_FRAME_BYTES}: 4 bytes to 1 GiB)
         * @return this builder
         */
        public Builder maxFrameBytes(long bytes) {
            return set(StreamSetting.MAX_FRAME_BYTES, bytes);
        }

        /**
         * @param pixels the most pixels a frame may declare ({@link StreamSetting#MAX_FRAME_PIXELS}: 1 to 10^9)
         * @return this builder
         */
        public Builder maxFramePixels(long pixels) {
            return set(StreamSetting.MAX_FRAME_PIXELS, pixels);
        }

        /**
         * @param depth frames that may wait per session ({@link StreamSetting#QUEUE_DEPTH}: 1 to 1000)
         * @return this builder
         */
        public Builder queueDepth(int depth) {
            return set(StreamSetting.QUEUE_DEPTH, depth);
        }

        /**
         * @param depth frames that may wait per lossless session ({@link StreamSetting#LOSSLESS_QUEUE_DEPTH}: 1 to 10000)
         * @return this builder
         */
        public Builder losslessQueueDepth(int depth) {
            return set(StreamSetting.LOSSLESS_QUEUE_DEPTH, depth);
        }

        /**
         * @param answers answered frames the drop rate is measured over ({@link StreamSetting#RATE_WINDOW}: 2 to 100000)
         * @return this builder
         */
        public Builder rateWindow(int answers) {
            return set(StreamSetting.RATE_WINDOW, answers);
        }

        /**
         * @param rate drop rate that starts {@link BackpressureState#WARNING} (above 0, at most 1)
         * @return this builder
         */
        public Builder dropThreshold(double rate) {
            return set(StreamSetting.DROP_THRESHOLD, rate);
        }

        /**
         * @param rate drop rate that starts {@link BackpressureState#CRITICAL} (above 0, at most 1, not below the
         *             drop threshold)
         * @return this builder
         */
        public Builder slowdownThreshold(double rate) {
            return set(StreamSetting.SLOWDOWN_THRESHOLD, rate);
        }

        /**
         * @param failures failures in a row that close the session (1 to 1000000)
         * @return this builder
         */
        public Builder maxConsecutiveFailures(int failures) {
            return set(StreamSetting.MAX_CONSECUTIVE_FAILURES, failures);
        }

        /**
         * @param interval least time between two slow-down warnings (1 ms to 24 h)
         * @return this builder
         */
        public Builder slowDownInterval(Duration interval) {
            return set(StreamSetting.SLOW_DOWN_INTERVAL, interval);
        }

        /**
         * @param messages answers that may wait to be written to one client (8 to 1000000)
         * @return this builder
         */
        public Builder maxPendingMessages(int messages) {
            return set(StreamSetting.MAX_PENDING_MESSAGES, messages);
        }

        /**
         * @param sessions sessions that may be open at once (1 to 100000)
         * @return this builder
         */
        public Builder maxSessions(int sessions) {
            return set(StreamSetting.MAX_SESSIONS, sessions);
        }

        /**
         * @param sessions sessions one remote address may have open at once (1 to 100000), or 0 for no cap
         * @return this builder
         */
        public Builder maxSessionsPerClient(int sessions) {
            return set(StreamSetting.MAX_SESSIONS_PER_CLIENT, sessions);
        }

        /**
         * @param watchers watchers of sources that may be connected at once, in all (1 to 100000)
         * @return this builder
         */
        public Builder maxWatchers(int watchers) {
            return set(StreamSetting.MAX_WATCHERS, watchers);
        }

        /**
         * @param watchers watchers of sources one client address may have connected at once (1 to 100000),
         *                 or 0 for no cap
         * @return this builder
         */
        public Builder maxWatchersPerClient(int watchers) {
            return set(StreamSetting.MAX_WATCHERS_PER_CLIENT, watchers);
        }

        /**
         * @param timeout how long a session may go without a frame (1 s to 24 h)
         * @return this builder
         */
        public Builder idleTimeout(Duration timeout) {
            return set(StreamSetting.IDLE_TIMEOUT, timeout);
        }

        /**
         * @param timeout how long a pipeline may run on one frame (1 ms to 1 h)
         * @return this builder
         */
        public Builder pipelineTimeout(Duration timeout) {
            return set(StreamSetting.PIPELINE_TIMEOUT, timeout);
        }

        /**
         * @param bytes bytes of frames the server may hold across all sessions (16 MiB to 1 TiB)
         * @return this builder
         */
        public Builder memoryBudgetBytes(long bytes) {
            return set(StreamSetting.MEMORY_BUDGET_BYTES, bytes);
        }

        /**
         * @return the checked configuration
         * @throws IllegalArgumentException naming the first bad setting by its property name
         */
        public StreamConfig build() {
            return new StreamConfig(this);
        }

        private <T extends Comparable<? super T>> T checked(StreamSetting<T> setting) {
            return setting.check(setting.type().cast(values.get(setting)));
        }
    }
}
