package io.streaminfer.pipeline.track;

/**
 * The constant-velocity Kalman filter of SORT and ByteTrack over a box's centre x, y, aspect
 * ratio a (w/h), height h and their velocities: state {@code [x, y, a, h, vx, vy, va, vh]},
 * measurement {@code [x, y, a, h]}. Noise is relative to the box's height, with the papers'
 * weights (1/20 for positions, 1/160 for velocities), so a near object is allowed to move more
 * pixels than a far one.
 *
 * <p><b>Time.</b> Velocities are in units per nominal frame. A prediction over {@code k} nominal
 * frames (elapsed time / nominal frame period, any non-negative real) uses the transition
 * {@code x += k·v} and adds {@code k} times the one-frame process noise: for one frame this is
 * exactly ByteTrack's step; for a gap of several frames the mean is exact under constant velocity
 * and the covariance grows linearly with time (a random walk), which is slightly less than
 * {@code k} repeated one-frame steps would give but needs one step whatever the gap.
 *
 * <p>Matrices are row-major {@code double} arrays owned by the caller; nothing is allocated
 * per call except two small work arrays in {@link #correct}.
 */
final class KalmanBoxFilter {

    static final int STATE = 8;
    private static final double POSITION_WEIGHT = 1.0 / 20;
    private static final double VELOCITY_WEIGHT = 1.0 / 160;

    private KalmanBoxFilter() {
    }

    /** Sets {@code mean} and {@code covariance} for a new track seen at {@code (x, y, a, h)}. */
    static void initiate(double[] mean, double[] covariance, double x, double y, double a, double h) {
        java.util.Arrays.fill(mean, 0);
        mean[0] = x;
        mean[1] = y;
        mean[2] = a;
        mean[3] = h;
        java.util.Arrays.fill(covariance, 0);
        double[] std = {
            2 * POSITION_WEIGHT * h, 2 * POSITION_WEIGHT * h, 1e-2, 2 * POSITION_WEIGHT * h,
            10 * VELOCITY_WEIGHT * h, 10 * VELOCITY_WEIGHT * h, 1e-5, 10 * VELOCITY_WEIGHT * h};
        for (int i = 0; i < STATE; i++) {
            covariance[i * STATE + i] = std[i] * std[i];
        }
    }

    /** Moves the state {@code frames} nominal frames forward (0 leaves it unchanged). */
    static void predict(double[] mean, double[] p, double frames) {
        if (frames <= 0) {
            return;
        }
        double h = mean[3];
        double posVar = sq(POSITION_WEIGHT * h) * frames;
        double velVar = sq(VELOCITY_WEIGHT * h) * frames;
        for (int i = 0; i < 4; i++) {
            mean[i] += frames * mean[i + 4];
        }
        // P = F P F^T with F = [[I, kI], [0, I]]: first rows i < 4 gain k times row i + 4 ...
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < STATE; j++) {
                p[i * STATE + j] += frames * p[(i + 4) * STATE + j];
            }
        }
        // ... then columns j < 4 gain k times column j + 4
        for (int i = 0; i < STATE; i++) {
            for (int j = 0; j < 4; j++) {
                p[i * STATE + j] += frames * p[i * STATE + j + 4];
            }
        }
        double[] q = {posVar, posVar, sq(1e-2) * frames, posVar, velVar, velVar, sq(1e-5) * frames, velVar};
        for (int i = 0; i < STATE; i++) {
            p[i * STATE + i] += q[i];
        }
    }

    /** Corrects the state with a measurement {@code (x, y, a, h)}. */
    static void correct(double[] mean, double[] p, double x, double y, double a, double h) {
        double r = sq(POSITION_WEIGHT * mean[3]);
        double[] s = new double[16]; // innovation covariance H P H^T + R
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                s[i * 4 + j] = p[i * STATE + j];
            }
        }
        s[0] += r;
        s[5] += r;
        s[10] += sq(1e-1);
        s[15] += r;
        choleskyInPlace(s);
        // gain K (8x4) solves K S = P H^T; S is symmetric, so each row of K solves S k = (P H^T) row
        double[] gain = new double[STATE * 4];
        for (int i = 0; i < STATE; i++) {
            double[] row = {p[i * STATE], p[i * STATE + 1], p[i * STATE + 2], p[i * STATE + 3]};
            choleskySolve(s, row);
            System.arraycopy(row, 0, gain, i * 4, 4);
        }
        double[] innovation = {x - mean[0], y - mean[1], a - mean[2], h - mean[3]};
        // P -= K H P; (H P)[m][j] = P[m][j] for m < 4; computed from a copy of the first four rows
        double[] top = new double[4 * STATE];
        System.arraycopy(p, 0, top, 0, 4 * STATE);
        for (int i = 0; i < STATE; i++) {
            double[] k = {gain[i * 4], gain[i * 4 + 1], gain[i * 4 + 2], gain[i * 4 + 3]};
            mean[i] += k[0] * innovation[0] + k[1] * innovation[1] + k[2] * innovation[2] + k[3] * innovation[3];
            for (int j = 0; j < STATE; j++) {
                p[i * STATE + j] -= k[0] * top[j] + k[1] * top[STATE + j] + k[2] * top[2 * STATE + j]
                        + k[3] * top[3 * STATE + j];
            }
        }
    }

    /** Replaces a 4x4 symmetric positive-definite matrix's lower triangle by its Cholesky factor L. */
    private static void choleskyInPlace(double[] m) {
        for (int j = 0; j < 4; j++) {
            double d = m[j * 4 + j];
            for (int k = 0; k < j; k++) {
                d -= m[j * 4 + k] * m[j * 4 + k];
            }
            double diagonal = Math.sqrt(Math.max(d, 1e-12)); // guards rounding on a degenerate box
            m[j * 4 + j] = diagonal;
            for (int i = j + 1; i < 4; i++) {
                double v = m[i * 4 + j];
                for (int k = 0; k < j; k++) {
                    v -= m[i * 4 + k] * m[j * 4 + k];
                }
                m[i * 4 + j] = v / diagonal;
            }
        }
    }

    /** Solves L L^T z = b in place, L from {@link #choleskyInPlace}. */
    private static void choleskySolve(double[] l, double[] b) {
        for (int i = 0; i < 4; i++) {
            double v = b[i];
            for (int k = 0; k < i; k++) {
                v -= l[i * 4 + k] * b[k];
            }
            b[i] = v / l[i * 4 + i];
        }
        for (int i = 3; i >= 0; i--) {
            double v = b[i];
            for (int k = i + 1; k < 4; k++) {
                v -= l[k * 4 + i] * b[k];
            }
            b[i] = v / l[i * 4 + i];
        }
    }

    private static double sq(double v) {
        return v * v;
    }
}
