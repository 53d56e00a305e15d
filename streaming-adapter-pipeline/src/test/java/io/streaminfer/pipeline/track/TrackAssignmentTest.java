package io.streaminfer.pipeline.track;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class TrackAssignmentTest {

    private final Assignment assignment = new Assignment();

    @Test
    @DisplayName("the best total wins over the best single pair (not greedy)")
    void notGreedy() {
        double[] weights = {
            0.9, 0.8,
            0.85, 0};

        assertThat(assignment.maximise(weights, 2, 2)).containsExactly(1, 0);
    }

    @Test
    @DisplayName("a good pair is not broken up to make two poor ones")
    void keepsGoodPair() {
        double[] weights = {
            0.7, 0.05,
            0.05, 0};

        assertThat(assignment.maximise(weights, 2, 2)).containsExactly(0, -1);
    }

    @Test
    @DisplayName("pairs of weight 0 are never matched; empty sides give no matches")
    void zeroWeights() {
        assertThat(assignment.maximise(new double[6], 2, 3)).containsExactly(-1, -1);
        assertThat(assignment.maximise(new double[0], 3, 0)).containsExactly(-1, -1, -1);
        assertThat(assignment.maximise(new double[0], 0, 3)).isEmpty();
    }

    @RepeatedTest(200)
    @DisplayName("on random sparse matrices up to 6x6 the total equals brute force's, one-to-one, positive pairs only")
    void matchesBruteForce(RepetitionInfo repetition) {
        Random random = new Random(repetition.getCurrentRepetition());
        int rows = 1 + random.nextInt(6);
        int cols = 1 + random.nextInt(6);
        double[] weights = new double[rows * cols];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = random.nextDouble() < 0.4 ? 0 : random.nextDouble();
        }

        int[] match = assignment.maximise(weights, rows, cols);

        double total = 0;
        boolean[] used = new boolean[cols];
        for (int r = 0; r < rows; r++) {
            if (match[r] >= 0) {
                assertThat(used[match[r]]).as("column used twice").isFalse();
                used[match[r]] = true;
                assertThat(weights[r * cols + match[r]]).isPositive();
                total += weights[r * cols + match[r]];
            }
        }
        assertThat(total).isCloseTo(bruteForce(weights, rows, cols, 0, new boolean[cols]), within(1e-9));
    }

    private static double bruteForce(double[] weights, int rows, int cols, int row, boolean[] used) {
        if (row == rows) {
            return 0;
        }
        double best = bruteForce(weights, rows, cols, row + 1, used); // row left unmatched
        for (int c = 0; c < cols; c++) {
            if (!used[c] && weights[row * cols + c] > 0) {
                used[c] = true;
                best = Math.max(best, weights[row * cols + c] + bruteForce(weights, rows, cols, row + 1, used));
                used[c] = false;
            }
        }
        return best;
    }
}
