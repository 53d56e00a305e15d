package io.streaminfer.pipeline.track;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrackerSettingsTest {

    @Test
    @DisplayName("the defaults are high 0.5, low 0.1, IoU 0.3, 1 s lost, 3 hits, every label")
    void defaults() {
        TrackerSettings settings = TrackerSettings.ofDefaults();

        assertThat(settings).isEqualTo(new TrackerSettings(0.5, 0.1, 0.3, 1.0, 3, Set.of()));
        assertThat(settings.tracks("anything")).isTrue();
    }

    @Test
    @DisplayName("the builder sets every key")
    void builder() {
        TrackerSettings settings = TrackerSettings.builder().highScore(0.6).lowScore(0.2).matchIou(0.4)
                .maxLostSeconds(2).minHits(1).labels(Set.of("car")).build();

        assertThat(settings).isEqualTo(new TrackerSettings(0.6, 0.2, 0.4, 2, 1, Set.of("car")));
        assertThat(settings.tracks("car")).isTrue();
        assertThat(settings.tracks("person")).isFalse();
    }

    @Test
    @DisplayName("each key out of range is refused with a sentence naming it")
    void ranges() {
        assertThatThrownBy(() -> TrackerSettings.builder().highScore(1.1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("high_score");
        assertThatThrownBy(() -> TrackerSettings.builder().lowScore(-0.1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("low_score");
        assertThatThrownBy(() -> TrackerSettings.builder().matchIou(Double.NaN).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("match_iou");
        assertThatThrownBy(() -> TrackerSettings.builder().maxLostSeconds(0.05).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max_lost_s");
        assertThatThrownBy(() -> TrackerSettings.builder().maxLostSeconds(601).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max_lost_s");
        assertThatThrownBy(() -> TrackerSettings.builder().minHits(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("min_hits");
        assertThatThrownBy(() -> TrackerSettings.builder().minHits(101).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("min_hits");
    }

    @Test
    @DisplayName("low_score above high_score is refused")
    void order() {
        assertThatThrownBy(() -> TrackerSettings.builder().highScore(0.3).lowScore(0.4).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("low_score").hasMessageContaining("high_score");
    }

    @Test
    @DisplayName("an empty label is refused and the labels are copied")
    void labels() {
        assertThatThrownBy(() -> TrackerSettings.builder().labels(Set.of(" ")).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("labels");
        Set<String> labels = new HashSet<>(Set.of("car"));
        TrackerSettings settings = TrackerSettings.builder().labels(labels).build();
        labels.add("bus");

        assertThat(settings.labels()).containsExactly("car");
    }
}
