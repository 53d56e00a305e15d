package io.streaminfer.core;

import io.streaminfer.tck.SampleFrames;
import io.streaminfer.protocol.JsonMessageCodec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** What every frame pays before and after its pipeline: validation and JSON encoding. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HotPathBenchmark {

    private final FrameValidator validator = FrameValidator.jpeg(5L * 1024 * 1024);
    private final JsonMessageCodec codec = new JsonMessageCodec();
    private byte[] jpeg;
    private ServerMessage result;
    private ServerMessage twentyDetections;

    @Setup
    public void setUp() {
        jpeg = SampleFrames.qrScene();
        result = new ServerMessage.FrameResult(42, InferenceResult.of(Map.of(
                "width", 640, "height", 480,
                "detections", List.of(new Detection(392, 152, 232, 232, "qr", 1.0,
                        Map.of("text", "https://example.org/streaming/camera-7", "format", "qr_code")).toMap()),
                "timings_ms", Map.of("qr", 12.5, "decode", 4.2))));
        List<Map<String, Object>> detections = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            detections.add(new Detection(17 * i, 11 * i, 64, 48, i % 2 == 0 ? "person" : "car", 0.5 + i / 50.0,
                    Map.of()).toMap());
        }
        twentyDetections = new ServerMessage.FrameResult(42, InferenceResult.of(Map.of(
                "width", 640, "height", 480, "detections", detections,
                "timings_ms", Map.of("decode", 0.54, "onnx", 38.2))));
    }

    @Benchmark
    public String encodeResultWith20Detections() {
        return codec.encode(twentyDetections);
    }

    @Benchmark
    public FrameInfo validateJpeg() throws FrameRejectedException {
        return validator.validate(jpeg);
    }

    @Benchmark
    public String encodeResult() {
        return codec.encode(result);
    }

    @Benchmark
    public String encodeDropped() {
        return codec.encode(new ServerMessage.FrameDropped(42));
    }
}
