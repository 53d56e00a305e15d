package io.streaminfer.core;

import io.streaminfer.tck.SampleFrames;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.TimeUnit;

/** The JPEG structure check per real frame of several sizes (the sample frames: 18, 42, 46 and 48 KB). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ValidatorBenchmark {

    @Param({"page.jpg", "qr_scene.jpg", "astronaut.jpg", "coffee.jpg"})
    public String frame;

    private final FrameValidator validator = FrameValidator.jpeg(5L * 1024 * 1024);
    private byte[] jpeg;

    @Setup
    public void setUp() {
        jpeg = SampleFrames.load(frame);
    }

    @Benchmark
    public FrameInfo validate() throws FrameRejectedException {
        return validator.validate(jpeg);
    }
}
