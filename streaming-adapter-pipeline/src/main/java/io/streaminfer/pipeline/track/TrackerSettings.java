package io.streaminfer.pipeline.track;

import java.util.Objects;
import java.util.Set;

/**
 * How a {@link ByteTracker} associates detections, validated when built. The names in error
 * messages are the pipelines-file keys given with each component.
 *
 * @param highScore      {@code high_score}, 0..1, default 0.5: detections scoring at least this
 *                       take part in the first association and may start tracks
 * @param lowScore       {@code low_score}, 0..{@code high_score}, default 0.1: detections scoring
 *                       at least this (and less than {@code high_score}) may only continue a track
 *                       that was matched on its previous update; lower scores are ignored
 * @param matchIou       {@code match_iou}, 0..1, default 0.3: the least intersection over union
 *                       between a track's predicted box and a detection for them to match (boxes
 *                       must also overlap). ByteTrack's {@code match_thresh} 0.8 is a cost
 *                       (1 − IoU) limit, i.e. IoU above 0.2; 0.3 trades a little recall after long
 *                       gaps for fewer wrong matches between neighbours
 * @param maxLostSeconds {@code max_lost_s}, 0.1..600, default 1.0: a track with no match for
 *                       longer than this, on the caller's clock, is removed and its id retired
 * @param minHits        {@code min_hits}, 1..100, default 3: matches in consecutive updates before a
 *                       track is confirmed and gets an id (the first detection counts as one).
 *                       ByteTrack confirms on the second frame, and on the very first frame of a
 *                       sequence; here every track waits the same, so an object already in view
 *                       when a session starts is not treated differently from one that walks in
 * @param labels         {@code labels}, default empty: the labels to track; empty tracks every
 *                       label. Never {@literal null}
 */
public record TrackerSettings(double highScore, double lowScore, double matchIou, double maxLostSeconds,
                              int minHits, Set<String> labels) {

    /** Validates every component and copies the labels. */
    public TrackerSettings {
        requireWithin("high_score", highScore, 0, 1);
        requireWithin("low_score", lowScore, 0, 1);
        if (lowScore > highScore) {
            throw new IllegalArgumentException("low_score must not be above high_score, got low_score "
                    + lowScore + " and high_score " + highScore);
        }
        requireWithin("match_iou", matchIou, 0, 1);
        requireWithin("max_lost_s", maxLostSeconds, 0.1, 600);
        if (minHits < 1 || minHits > 100) {
            throw new IllegalArgumentException("min_hits must be between 1 and 100, got " + minHits);
        }
        Objects.requireNonNull(labels, "labels");
        for (String label : labels) {
            if (label == null || label.isBlank()) {
                throw new IllegalArgumentException("labels must not hold an empty label");
            }
        }
        labels = Set.copyOf(labels);
    }

    /** @return the defaults: high 0.5, low 0.1, IoU 0.3, 1 s lost, 3 hits, every label; never {@literal null} */
    public static TrackerSettings ofDefaults() {
        return builder().build();
    }

    /** @return a builder holding the defaults; never {@literal null} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @param label a detection's label
     * @return whether detections with this label are tracked
     */
    public boolean tracks(String label) {
        return labels.isEmpty() || labels.contains(label);
    }

    private static void requireWithin(String key, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(key + " must be between " + min + " and " + max + ", got " + value);
        }
    }

    /** Builds {@link TrackerSettings} from the defaults; {@link #build()} validates. */
    public static final class Builder {
        private double highScore = 0.5;
        private double lowScore = 0.1;
        private double matchIou = 0.3;
        private double maxLostSeconds = 1.0;
        private int minHits = 3;
        private Set<String> labels = Set.of();

        private Builder() {
        }

        /** @param value see {@link TrackerSettings#highScore()} @return this builder */
        public Builder highScore(double value) {
            highScore = value;
            return this;
        }

        /** @param value see {@link TrackerSettings#lowScore()} @return this builder */
        public Builder lowScore(double value) {
            lowScore = value;
            return this;
        }

        /** @param value see {@link TrackerSettings#matchIou()} @return this builder */
        public Builder matchIou(double value) {
            matchIou = value;
            return this;
        }

        /** @param value see {@link TrackerSettings#maxLostSeconds()} @return this builder */
        public Builder maxLostSeconds(double value) {
            maxLostSeconds = value;
            return this;
        }

        /** @param value see {@link TrackerSettings#minHits()} @return this builder */
        public Builder minHits(int value) {
            minHits = value;
            return this;
        }

        /** @param value see {@link TrackerSettings#labels()} @return this builder */
        public Builder labels(Set<String> value) {
            labels = value;
            return this;
        }

        /**
         * @return the settings; never {@literal null}
         * @throws IllegalArgumentException naming the first key out of range
         */
        public TrackerSettings build() {
            return new TrackerSettings(highScore, lowScore, matchIou, maxLostSeconds, minHits, labels);
        }
    }
}
