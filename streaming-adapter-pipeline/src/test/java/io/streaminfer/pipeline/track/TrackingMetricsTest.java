package io.streaminfer.pipeline.track;

import io.streaminfer.pipeline.track.TrackingMetrics.Labelled;
import io.streaminfer.pipeline.track.TrackingMetrics.Scores;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Checks the test-side MOTA and IDF1 on hand-made cases, so the scenario bounds mean something. */
class TrackingMetricsTest {

    private static Labelled box(int id, double x) {
        return new Labelled(id, x, 100, 50, 100);
    }

    @Test
    @DisplayName("perfect tracking scores 1 and 1")
    void perfect() {
        List<List<Labelled>> truth = new ArrayList<>();
        List<List<Labelled>> hypotheses = new ArrayList<>();
        for (int f = 0; f < 10; f++) {
            truth.add(List.of(box(1, 10 * f), box(2, 500)));
            hypotheses.add(List.of(box(7, 10 * f), box(9, 500)));
        }

        Scores scores = TrackingMetrics.score(truth, hypotheses);

        assertThat(scores.mota()).isEqualTo(1.0);
        assertThat(scores.idf1()).isEqualTo(1.0);
    }

    @Test
    @DisplayName("an id switch halfway costs one IDSW in MOTA and half the IDF1 of that object")
    void switchHalfway() {
        List<List<Labelled>> truth = new ArrayList<>();
        List<List<Labelled>> hypotheses = new ArrayList<>();
        for (int f = 0; f < 10; f++) {
            truth.add(List.of(box(1, 10 * f)));
            hypotheses.add(List.of(box(f < 5 ? 7 : 8, 10 * f)));
        }

        Scores scores = TrackingMetrics.score(truth, hypotheses);

        assertThat(scores.switches()).isEqualTo(1);
        assertThat(scores.mota()).isCloseTo(0.9, within(1e-9)); // 1 - 1/10
        assertThat(scores.idTruePositives()).isEqualTo(5);
        assertThat(scores.idf1()).isCloseTo(0.5, within(1e-9)); // 2*5 / (2*5 + 5 + 5)
    }

    @Test
    @DisplayName("misses and false positives count, a box off by more than IoU 0.5 is both")
    void missesAndFalsePositives() {
        List<List<Labelled>> truth = List.of(List.of(box(1, 0)), List.of(box(1, 0)), List.of(box(1, 0)), List.of(box(1, 0)));
        List<List<Labelled>> hypotheses = List.of(List.of(box(5, 0)), List.of(), List.of(box(5, 40)),
                List.of(box(5, 0), box(6, 300)));

        Scores scores = TrackingMetrics.score(truth, hypotheses);

        assertThat(scores.misses()).isEqualTo(2);
        assertThat(scores.falsePositives()).isEqualTo(2);
        assertThat(scores.switches()).isZero();
        assertThat(scores.mota()).isCloseTo(0.0, within(1e-9));
        assertThat(scores.idf1()).isCloseTo(2.0 * 2 / (2 * 2 + 2 + 2), within(1e-9));
    }
}
