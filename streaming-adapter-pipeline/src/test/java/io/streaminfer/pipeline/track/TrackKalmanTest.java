package io.streaminfer.pipeline.track;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class TrackKalmanTest {

    private final double[] mean = new double[8];
    private final double[] covariance = new double[64];

    private void followConstantVelocity(int frames) {
        KalmanBoxFilter.initiate(mean, covariance, 100, 200, 0.5, 100);
        for (int f = 1; f <= frames; f++) {
            KalmanBoxFilter.predict(mean, covariance, 1);
            KalmanBoxFilter.correct(mean, covariance, 100 + 5 * f, 200 - 2 * f, 0.5, 100);
        }
    }

    @Test
    @DisplayName("after following a constant-velocity box the velocity is learnt")
    void learnsVelocity() {
        followConstantVelocity(30);

        assertThat(mean[4]).isCloseTo(5, within(0.05));
        assertThat(mean[5]).isCloseTo(-2, within(0.05));
        assertThat(mean[0]).isCloseTo(250, within(0.5));
    }

    @Test
    @DisplayName("one prediction over 3 nominal frames moves the mean as far as three over one")
    void predictionScalesWithElapsedFrames() {
        followConstantVelocity(30);
        double[] once = mean.clone();
        double[] onceCovariance = covariance.clone();
        KalmanBoxFilter.predict(once, onceCovariance, 3);
        for (int i = 0; i < 3; i++) {
            KalmanBoxFilter.predict(mean, covariance, 1);
        }

        for (int i = 0; i < 8; i++) {
            assertThat(once[i]).isCloseTo(mean[i], within(1e-9));
        }
        assertThat(once[0]).isCloseTo(265, within(1.0));
        assertThat(onceCovariance[0]).as("uncertainty grows with the gap").isGreaterThan(covariance[0] / 3);
    }

    @Test
    @DisplayName("a prediction over no time changes nothing")
    void zeroElapsed() {
        followConstantVelocity(5);
        double[] before = mean.clone();
        double[] beforeCovariance = covariance.clone();

        KalmanBoxFilter.predict(mean, covariance, 0);

        assertThat(mean).containsExactly(before);
        assertThat(covariance).containsExactly(beforeCovariance);
    }

    @Test
    @DisplayName("the covariance stays symmetric through predictions and corrections")
    void symmetric() {
        followConstantVelocity(20);
        KalmanBoxFilter.predict(mean, covariance, 2.5);

        for (int i = 0; i < 8; i++) {
            for (int j = 0; j < 8; j++) {
                assertThat(covariance[i * 8 + j]).isCloseTo(covariance[j * 8 + i], within(1e-9));
            }
        }
    }
}
