package io.streaminfer.pipeline.track;

import java.util.Arrays;

/**
 * Optimal one-to-one matching of rows (tracks) to columns (detections) that maximises the total
 * weight, where a weight of 0 or less means "may not match".
 *
 * <p>Solved as a rectangular min-cost assignment (cost = −weight) by the Hungarian algorithm in
 * its shortest-augmenting-path form with dual potentials (Kuhn–Munkres as refined by Jonker and
 * Volgenant's augmentation), O(n²·m) for n ≤ m. Every row is given some column there; pairs of
 * non-positive weight are then dropped. Because weights are never negative, that is the best
 * partial matching: a row left on a zero-weight column loses nothing. It is the same rule as
 * ByteTrack's {@code lap.lapjv(extend_cost=True, cost_limit=...)}: a pair is taken only when it
 * beats leaving both sides unmatched, so a good pair is never broken up to make two poor ones.
 *
 * <p>Work arrays are reused between calls; one instance per tracker, one thread.
 */
final class Assignment {

    private double[] cost = new double[0];
    private double[] rowPotential = new double[0];
    private double[] columnPotential = new double[0];
    private double[] minSlack = new double[0];
    private int[] rowOfColumn = new int[0];
    private int[] previousColumn = new int[0];
    private boolean[] visited = new boolean[0];

    /**
     * @param weights row-major {@code rows × cols}; only the first {@code rows·cols} values are read
     * @return for each row the matched column, or -1; never {@literal null}
     */
    int[] maximise(double[] weights, int rows, int cols) {
        int[] match = new int[rows];
        Arrays.fill(match, -1);
        if (rows == 0 || cols == 0) {
            return match;
        }
        boolean transposed = rows > cols;
        int n = transposed ? cols : rows;
        int m = transposed ? rows : cols;
        ensureCapacity(n, m);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                double w = transposed ? weights[j * cols + i] : weights[i * cols + j];
                cost[i * m + j] = w > 0 ? -w : 0;
            }
        }
        solve(n, m);
        for (int j = 1; j <= m; j++) {
            int i = rowOfColumn[j];
            if (i == 0) {
                continue;
            }
            int row = transposed ? j - 1 : i - 1;
            int col = transposed ? i - 1 : j - 1;
            if (weights[row * cols + col] > 0) {
                match[row] = col;
            }
        }
        return match;
    }

    /** Min-cost assignment of all n rows into m ≥ n columns; 1-based, index 0 is the virtual start. */
    private void solve(int n, int m) {
        Arrays.fill(rowPotential, 0, n + 1, 0);
        Arrays.fill(columnPotential, 0, m + 1, 0);
        Arrays.fill(rowOfColumn, 0, m + 1, 0);
        for (int row = 1; row <= n; row++) {
            rowOfColumn[0] = row;
            int column = 0;
            Arrays.fill(minSlack, 0, m + 1, Double.POSITIVE_INFINITY);
            Arrays.fill(visited, 0, m + 1, false);
            do { // grow a shortest-path tree from the new row until it reaches a free column
                visited[column] = true;
                int i = rowOfColumn[column];
                double delta = Double.POSITIVE_INFINITY;
                int next = 0;
                for (int j = 1; j <= m; j++) {
                    if (!visited[j]) {
                        double slack = cost[(i - 1) * m + (j - 1)] - rowPotential[i] - columnPotential[j];
                        if (slack < minSlack[j]) {
                            minSlack[j] = slack;
                            previousColumn[j] = column;
                        }
                        if (minSlack[j] < delta) {
                            delta = minSlack[j];
                            next = j;
                        }
                    }
                }
                for (int j = 0; j <= m; j++) {
                    if (visited[j]) {
                        rowPotential[rowOfColumn[j]] += delta;
                        columnPotential[j] -= delta;
                    } else {
                        minSlack[j] -= delta;
                    }
                }
                column = next;
            } while (rowOfColumn[column] != 0);
            do { // flip the augmenting path
                int before = previousColumn[column];
                rowOfColumn[column] = rowOfColumn[before];
                column = before;
            } while (column != 0);
        }
    }

    private void ensureCapacity(int n, int m) {
        if (cost.length < n * m) {
            cost = new double[n * m];
        }
        if (rowPotential.length < n + 1) {
            rowPotential = new double[n + 1];
        }
        if (columnPotential.length < m + 1) {
            columnPotential = new double[m + 1];
            minSlack = new double[m + 1];
            rowOfColumn = new int[m + 1];
            previousColumn = new int[m + 1];
            visited = new boolean[m + 1];
        }
    }
}
