package io.streaminfer.pipeline;

import io.streaminfer.core.Frame;
import io.streaminfer.core.FrameRejectedException;
import io.streaminfer.core.FrameValidator;
import io.streaminfer.core.PipelineException;
import io.streaminfer.tck.SampleFrames;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.TimeUnit;

/**
 * Each step on an already decoded 640x480 frame (qr_scene.jpg), so decoding is measured once,
 * by {@link DecoderBenchmark}. Motion alternates two frames so it always has motion to find.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class StepBenchmark {

    @Param({"noop", "image_stats", "motion", "qr", "qr_try_harder", "faces", "ocr"})
    public String step;

    private Step instance;
    private Frame frame;
    private FrameImage decodedA;
    private FrameImage decodedB;
    private boolean flip;

    @Setup(Level.Trial)
    public void setUp() throws FrameRejectedException, PipelineException {
        byte[] jpeg = SampleFrames.qrScene();
        frame = new Frame(1, jpeg, FrameValidator.jpeg(jpeg.length).validate(jpeg), 0);
        decodedA = decoded(frame);
        byte[] other = SampleFrames.paddedTo(jpeg, jpeg.length); // same pixels...
        decodedB = decoded(new Frame(2, other, frame.info(), 0));
        byte[] pixels = decodedB.luma().pixels();
        for (int y = 100; y < 180; y++) { // ...but with a changed block, for motion
            for (int x = 60; x < 140; x++) {
                pixels[y * 640 + x] = (byte) (((x / 10 + y / 10) % 2) * 255);
            }
        }
        instance = switch (step) {
            case "noop" -> new NoopStep();
            case "image_stats" -> new ImageStatsStep(16, 239);
            case "motion" -> new MotionStep(400, 25, 4, 0.1);
            case "qr" -> new QrStep(java.util.List.copyOf(QrStep.FORMATS.keySet()), false);
            case "faces" -> new FacesStep(FacesStep.findCascade("").orElseThrow(() -> new IllegalStateException(
                    FacesStep.problem("").orElse("no cascade"))), 1.1, 5, 30);
            case "ocr" -> {
                TesseractLibrary api = TesseractLibrary.Loaded.library().orElseThrow(() -> new IllegalStateException(
                        TesseractPool.problem("eng").orElse("no tesseract")));
                yield new OcrStep(api, TesseractPool.of(api, TesseractPool.findTessdata("eng").orElseThrow(), "eng"), 0.6, new int[4]);
            }
            default -> new QrStep(java.util.List.copyOf(QrStep.FORMATS.keySet()), true);
        };
    }

    private static FrameImage decoded(Frame frame) throws PipelineException {
        FrameImage image = new FrameImage(frame, FrameDecoders.preferred());
        image.luma();
        return image;
    }

    @Benchmark
    public StepOutput apply() throws Exception {
        flip = !flip;
        return instance.apply(frame, flip ? decodedA : decodedB);
    }
}
