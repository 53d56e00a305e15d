package io.streaminfer.pipeline;

import io.streaminfer.core.Frame;
import io.streaminfer.core.FrameProcessor;
import io.streaminfer.core.FrameValidator;
import io.streaminfer.core.InferenceResult;
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
import org.openjdk.jmh.annotations.TearDown;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real detectors (models from {@code tools/fetch-models}) on one frame, phase by phase:
 * {@code decode} (JPEG to colour pixels, DCT-scaled where the input allows), {@code preprocess}
 * (letterbox + normalise into the model's input), {@code model} (the bare {@code session.run} on
 * a prepared tensor), {@code postprocess} (output to boxes), and {@code endToEnd} (JPEG bytes in,
 * detections out, through the pipeline as a session runs it).
 *
 * <p>{@code model}: {@code objects} (YOLOv8n, 640), {@code objects_320} (YOLOv8n re-sized to 320),
 * {@code faces} (RetinaFace mnet.25, 640);
 * {@code threads}: ONNX Runtime intra-op threads ({@code STREAM_MODEL_THREADS}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class DetectorBenchmark {

    @Param({"objects", "objects_320", "faces"})
    public String model;

    @Param({"qr_scene"})
    public String frame;

    @Param({"2"})
    public int threads;

    private Frame input;
    private FrameProcessor pipeline;
    private OnnxModel onnx;
    private OnnxModel.Slot slot;
    private Letterbox letterbox;
    private ColourImage pixels;
    private YoloDetector yolo;
    private RetinaFaceDetector faces;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        byte[] jpeg = SampleFrames.load(frame + ".jpg");
        input = new Frame(1, jpeg, FrameValidator.jpeg(jpeg.length).validate(jpeg), 0);
        ModelOptions models = new ModelOptions(ModelOptions.defaults().directory(), threads);
        String steps = switch (model) {
            case "objects" -> "{\"step\": \"objects\"}";
            case "objects_320" -> "{\"step\": \"objects\", \"imgsz\": 320}";
            default -> "{\"step\": \"faces\", \"engine\": \"retinaface\"}";
        };
        pipeline = Pipelines.parse("{\"p\": {\"steps\": [" + steps + "]}}", "(benchmark)",
                new PipelineOptions(Duration.ofMillis(50), FrameValidator.DEFAULT_MAX_FRAME_PIXELS, models)).open("p");
        if (model.startsWith("objects")) {
            yolo = ObjectsStep.load("yolov8n", "", "objects".equals(model) ? 0 : 320, List.of(), models).detector();
            onnx = yolo.model();
            letterbox = Letterbox.of(input.info().width(), input.info().height(), onnx.inputSize(), Letterbox.Anchor.CENTRE);
        } else {
            faces = new RetinaFaceDetector(OnnxModel.load(models.directory().resolve("retinaface_mnet25.onnx"), threads), 0.2);
            onnx = faces.model();
            letterbox = Letterbox.of(input.info().width(), input.info().height(), onnx.inputSize(), Letterbox.Anchor.TOP_LEFT);
        }
        pixels = decode();
        slot = onnx.take();
        slot.fill(pixels, letterbox, yolo != null ? 1f / 255f : 1f, yolo != null ? 114f / 255f : 0f);
        onnx.run(slot);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        onnx.give(slot);
        pipeline.close();
    }

    @Benchmark
    public ColourImage decode() throws Exception {
        FrameImage image = new FrameImage(input, FrameDecoders.preferred(), true, DecodeLimits.defaults());
        return image.colour(letterbox.reduction(input.info().width(), input.info().height()));
    }

    @Benchmark
    public OnnxModel.Slot preprocess() {
        slot.fill(pixels, letterbox, yolo != null ? 1f / 255f : 1f, yolo != null ? 114f / 255f : 0f);
        return slot;
    }

    @Benchmark
    public OnnxModel.Slot model() throws Exception {
        onnx.run(slot);
        return slot;
    }

    @Benchmark
    public Object postprocess() {
        int w = input.info().width();
        int h = input.info().height();
        return yolo != null ? yolo.decode(slot.output(), letterbox, w, h, 0.5f, 0.45f, null, 100)
                : faces.decode(slot, letterbox, w, h, 0.75f, 0.4f);
    }

    @Benchmark
    public InferenceResult endToEnd() throws Exception {
        return pipeline.process(input);
    }
}
