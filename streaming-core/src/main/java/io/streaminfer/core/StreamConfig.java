package io.streaminfer.core;

import java.time.Duration;
import java.util.Objects;

/**
 * The engine's settings. Immutable; build with {@link #ofDefaults()} or {@link #builder()};
 * values are checked when built, and a bad value is reported with the setting's name.
 */
public final class StreamConfig {

    private static final long MIB = 1024L * 1024L;

    private final long maxFrameBytes;
    private final int queueDepth;
    private final int rateWindow;
    private final double dropThreshold;
    private final double slowdownThreshold;
    private final int maxConsecutiveFailures;
    private final Duration slowDownInterval;
    private final int maxPendingMessages;
    private final int maxSessions;
    private final int maxSessionsPerClient;
    private final Duration idleTimeout;
    private final Duration pipelineTimeout;
    private final int losslessQueueDepth;

    private StreamConfig(Builder b) {
        this.losslessQueueDepth = b.losslessQueueDepth;
        this.maxFrameBytes = b.maxFrameBytes;
        this.queueDepth = b.queueDepth;
        this.rateWindow = b.rateWindow;
        this.dropThreshold = b.dropThreshold;
        this.slowdownThreshold = b.slowdownThreshold;
        this.maxConsecutiveFailures = b.maxConsecutiveFailures;
        this.slowDownInterval = b.slowDownInterval;
        this.maxPendingMessages = b.maxPendingMessages;
        this.maxSessions = b.maxSessions;
        this.maxSessionsPerClient = b.maxSessionsPerClient;
        this.idleTimeout = b.idleTimeout;
        this.pipelineTimeout = b.pipelineTimeout;
    }

    /**
     * @return the defaults of the protocol: 5 MiB frames, queue depth 1, a window of 30,
     *         thresholds 0.10 and 0.30, 5 consecutive failures, slow-down every 2 s,
     *         256 pending messages, 64 sessions, 16 per client address, 60 s idle timeout,
 *         10 s pipeline timeout
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

    /** @return how many frames of a session may wait while one is in the pipeline */
    public int queueDepth() {
        return queueDepth;
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

    /** @return how many sessions one remote address may have open at once */
    public int maxSessionsPerClient() {
        return maxSessionsPerClient;
    }

    /** @return how long a session may go without a frame before it is closed with 1001 */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** @return how long a pipeline may run on one frame before that frame fails with "timed out" */
    public Duration pipelineTimeout() {
        return pipelineTimeout;
    }

    /** @return how many frames of a {@code lossless} session may wait, in order */
    public int losslessQueueDepth() {
        return losslessQueueDepth;
    }

    /**
     * @return a builder starting from these values
     */
    public Builder toBuilder() {
        return new Builder()
                .maxFrameBytes(maxFrameBytes)
                .queueDepth(queueDepth)
                .rateWindow(rateWindow)
                .dropThreshold(dropThreshold)
                .slowdownThreshold(slowdownThreshold)
                .maxConsecutiveFailures(maxConsecutiveFailures)
                .slowDownInterval(slowDownInterval)
                .maxPendingMessages(maxPendingMessages)
                .maxSessions(maxSessions)
                .maxSessionsPerClient(maxSessionsPerClient)
                .idleTimeout(idleTimeout)
                .pipelineTimeout(pipelineTimeout)
                .losslessQueueDepth(losslessQueueDepth);
    }

    @Override
    public String toString() {
        return "StreamConfig[maxFrameBytes=" + maxFrameBytes + ", queueDepth=" + queueDepth
                + ", rateWindow=" + rateWindow + ", dropThreshold=" + dropThreshold
                + ", slowdownThreshold=" + slowdownThreshold + ", maxConsecutiveFailures=" + maxConsecutiveFailures
                + ", slowDownInterval=" + slowDownInterval + ", maxPendingMessages=" + maxPendingMessages
                + ", maxSessions=" + maxSessions + ", maxSessionsPerClient=" + maxSessionsPerClient + ", idleTimeout=" + idleTimeout + ", pipelineTimeout=" + pipelineTimeout + "]";
    }

    /** Collects settings; {@link #build()} checks them. Not thread-safe. */
    public static final class Builder {

        private long maxFrameBytes = 5 * MIB;
        private int queueDepth = 1;
        private int rateWindow = 30;
        private double dropThreshold = 0.10;
        private double slowdownThreshold = 0.30;
        private int maxConsecutiveFailures = 5;
        private Duration slowDownInterval = Duration.ofSeconds(2);
        private int maxPendingMessages = 256;
        private int maxSessions = 64;
        private int maxSessionsPerClient = 0;
        private Duration idleTimeout = Duration.ofSeconds(60);
        private Duration pipelineTimeout = Duration.ofSeconds(10);
        private int losslessQueueDepth = 32;

        private Builder() {
        }

        /**
         * @param depth frames that may wait in order in a {@code lossless} session (1 to 10000)
         * @return this builder
         */
        public Builder losslessQueueDepth(int depth) {
            this.losslessQueueDepth = depth;
            return this;
        }

        /**
         * @param bytes the largest accepted frame in bytes (at least 4, at most 1 GiB)
         * @return this builder
         */
        public Builder maxFrameBytes(long bytes) {
            this.maxFrameBytes = bytes;
            return this;
        }

        /**
         * @param depth frames that may wait per session (1 to 1000)
         * @return this builder
         */
        public Builder queueDepth(int depth) {
            this.queueDepth = depth;
            return this;
        }

        /**
         * @param answers answered frames the drop rate is measured over (2 to 100000)
         * @return this builder
         */
        public Builder rateWindow(int answers) {
            this.rateWindow = answers;
            return this;
        }

        /**
         * @param rate drop rate that starts {@link BackpressureState#WARNING} (0 to 1)
         * @return this builder
         */
        public Builder dropThreshold(double rate) {
            this.dropThreshold = rate;
            return this;
        }

        /**
         * @param rate drop rate that starts {@link BackpressureState#CRITICAL} (0 to 1, not below the drop threshold)
         * @return this builder
         */
        public Builder slowdownThreshold(double rate) {
            this.slowdownThreshold = rate;
            return this;
        }

        /**
         * @param failures failures in a row that close the session (at least 1)
         * @return this builder
         */
        public Builder maxConsecutiveFailures(int failures) {
            this.maxConsecutiveFailures = failures;
            return this;
        }

        /**
         * @param interval least time between two slow-down warnings (positive)
         * @return this builder
         */
        public Builder slowDownInterval(Duration interval) {
            this.slowDownInterval = interval;
            return this;
        }

        /**
         * @param messages answers that may wait to be written to one client (at least 8)
         * @return this builder
         */
        public Builder maxPendingMessages(int messages) {
            this.maxPendingMessages = messages;
            return this;
        }

        /**
         * @param sessions sessions that may be open at once (at least 1)
         * @return this builder
         */
        public Builder maxSessions(int sessions) {
            this.maxSessions = sessions;
            return this;
        }

        /**
         * @param sessions sessions one remote address may have open at once (at least 1)
         * @return this builder
         */
        public Builder maxSessionsPerClient(int sessions) {
            this.maxSessionsPerClient = sessions;
            return this;
        }

        /**
         * @param timeout how long a session may go without a frame (positive)
         * @return this builder
         */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = timeout;
            return this;
        }

        /**
         * @param timeout how long a pipeline may run on one frame (positive)
         * @return this builder
         */
        public Builder pipelineTimeout(Duration timeout) {
            this.pipelineTimeout = timeout;
            return this;
        }

        /**
         * @return the checked configuration
         * @throws IllegalArgumentException naming the first bad setting
         */
        public StreamConfig build() {
            require(maxFrameBytes >= 4 && maxFrameBytes <= 1024 * MIB, "maxFrameBytes", maxFrameBytes, "between 4 bytes and 1 GiB");
            require(queueDepth >= 1 && queueDepth <= 1000, "queueDepth", queueDepth, "between 1 and 1000");
            require(rateWindow >= 2 && rateWindow <= 100_000, "rateWindow", rateWindow, "between 2 and 100000");
            require(dropThreshold > 0 && dropThreshold <= 1, "dropThreshold", dropThreshold, "above 0 and at most 1");
            require(slowdownThreshold > 0 && slowdownThreshold <= 1, "slowdownThreshold", slowdownThreshold, "above 0 and at most 1");
            require(dropThreshold <= slowdownThreshold, "dropThreshold", dropThreshold,
                    "at most the slowdownThreshold (" + slowdownThreshold + ")");
            require(maxConsecutiveFailures >= 1, "maxConsecutiveFailures", maxConsecutiveFailures, "at least 1");
            Objects.requireNonNull(slowDownInterval, "slowDownInterval");
            require(!slowDownInterval.isNegative() && !slowDownInterval.isZero(), "slowDownInterval", slowDownInterval, "positive");
            require(maxPendingMessages >= 8, "maxPendingMessages", maxPendingMessages, "at least 8");
            require(maxSessions >= 1, "maxSessions", maxSessions, "at least 1");
            require(maxSessionsPerClient >= 0, "maxSessionsPerClient", maxSessionsPerClient, "at least 0 (0: no cap)");
            Objects.requireNonNull(idleTimeout, "idleTimeout");
            require(!idleTimeout.isNegative() && !idleTimeout.isZero(), "idleTimeout", idleTimeout, "positive");
            Objects.requireNonNull(pipelineTimeout, "pipelineTimeout");
            require(!pipelineTimeout.isNegative() && !pipelineTimeout.isZero(), "pipelineTimeout", pipelineTimeout, "positive");
            require(losslessQueueDepth >= 1 && losslessQueueDepth <= 10_000, "losslessQueueDepth", losslessQueueDepth,
                    "between 1 and 10000");
            return new StreamConfig(this);
        }

        private static void require(boolean ok, String name, Object value, String expectation) {
            if (!ok) {
                throw new IllegalArgumentException(name + " must be " + expectation + ", got " + value);
            }
        }
    }
}
