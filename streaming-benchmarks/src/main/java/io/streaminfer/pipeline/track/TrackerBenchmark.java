package io.streaminfer.pipeline.track;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * One {@link ByteTracker#update} in steady state with 1, 20 and 100 objects moving in a 1280x720
 * frame. The frames are generated once: every object goes round an ellipse a whole number of
 * times in {@value #FRAMES} frames, with a little noise, so replaying them in a loop never jumps
 * and every track stays confirmed; the clock advances a nominal 1/30 s per update.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TrackerBenchmark {

    private static final int FRAMES = 300;
    private static final long FRAME_NANOS = 33_333_333L;

    @Param({"1", "20", "100"})
    public int objects;

    private List<List<Box>> frames;
    private ByteTracker tracker;
    private int next;
    private long time;

    @Setup(Level.Trial)
    public void setUp() {
        Random random = new Random(42);
        frames = new ArrayList<>(FRAMES);
        double[][] paths = new double[objects][];
        for (int o = 0; o < objects; o++) {
            double w = 30 + random.nextDouble() * 30;
            double h = w * 2;
            double rx = 40 + random.nextDouble() * 200;
            double ry = 20 + random.nextDouble() * 100;
            paths[o] = new double[] {
                rx + random.nextDouble() * (1280 - 2 * rx - w), ry + random.nextDouble() * (720 - 2 * ry - h),
                rx, ry, 1 + random.nextInt(2), random.nextDouble() * 2 * Math.PI, w, h};
        }
        for (int f = 0; f < FRAMES; f++) {
            List<Box> boxes = new ArrayList<>(objects);
            for (double[] p : paths) {
                double angle = p[5] + 2 * Math.PI * p[4] * f / FRAMES;
                boxes.add(new Box((float) (p[0] + p[2] * Math.cos(angle) + random.nextGaussian()),
                        (float) (p[1] + p[3] * Math.sin(angle) + random.nextGaussian()),
                        (float) p[6], (float) p[7], "person", 0.6f + random.nextFloat() * 0.35f));
            }
            frames.add(boxes);
        }
        tracker = new ByteTracker(TrackerSettings.ofDefaults());
        for (int i = 0; i < FRAMES; i++) { // reach steady state: every track confirmed
            update();
        }
    }

    @Benchmark
    public int[] update() {
        time += FRAME_NANOS;
        int[] ids = tracker.update(frames.get(next), time);
        next = (next + 1) % FRAMES;
        return ids;
    }
}
