package io.streaminfer.pipeline;

import io.streaminfer.core.PipelineException;
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

/** JPEG to luma, per decoder, on the sample frames. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DecoderBenchmark {

    @Param({"qr_scene.jpg", "astronaut.jpg", "coffee.jpg"})
    public String frame;

    @Param({"opencv", "imageio", "twelvemonkeys"})
    public String decoder;

    private byte[] jpeg;
    private FrameDecoder frameDecoder;

    @Setup
    public void setUp() {
        jpeg = SampleFrames.load(frame);
        frameDecoder = switch (decoder) {
            case "opencv" -> new OpenCvDecoder();
            case "imageio" -> new ImageIoDecoder();
            default -> new ImageIoDecoder("com.twelvemonkeys");
        };
    }

    @Benchmark
    public LumaImage decodeLuma() throws PipelineException {
        return frameDecoder.decodeLuma(jpeg);
    }
}
