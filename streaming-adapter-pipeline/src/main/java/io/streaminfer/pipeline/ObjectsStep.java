package io.streaminfer.pipeline;

import ai.onnxruntime.OrtException;
import io.streaminfer.core.Detection;
import io.streaminfer.core.Frame;
import io.streaminfer.core.PipelineException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code objects} (and {@code onnx}, its older name for a user's model): a YOLOv8-layout
 * detection model through {@link YoloDetector}. Each detection is labelled with its class name,
 * scored, and carries {@code class_id}; the step's object says which model ran at which input
 * size; the result's {@code timings_ms} says where the time went ({@code objects.preprocess},
 * {@code objects.model} (waiting for cores included), {@code objects.postprocess}, and
 * {@code decode}).
 */
final class ObjectsStep implements Step {

    private final YoloDetector detector;
    private final float minScore;
    private final float iou;
    private final boolean[] allowed;
    private final int maxDetections;

    ObjectsStep(YoloDetector detector, double minScore, double iou, boolean[] allowed, int maxDetections) {
        this.detector = detector;
        this.minScore = (float) minScore;
        this.iou = (float) iou;
        this.allowed = allowed == null ? null : allowed.clone();
        this.maxDetections = maxDetections;
    }

    /** {@link #load(String, String, long, List, ModelOptions, ModelLeases)} for as long as the process runs (benchmarks, tests). */
    static Either load(String model, String labels, long imgsz, List<String> classes, ModelOptions options) {
        return load(model, labels, imgsz, classes, options, new ModelLeases());
    }

    /**
     * Loads (once per registry and file version) and checks the model a step names.
     *
     * @param model   the {@code model} parameter
     * @param labels  the {@code labels} parameter, empty to use the model's metadata
     * @param imgsz   the {@code imgsz} parameter, 0 for the model's own
     * @param classes the {@code classes} parameter, empty for all
     * @param options where models are and their threads
     * @param leases  the models of the registry being built
     * @return the detector, or why it cannot run here
     */
    static Either load(String model, String labels, long imgsz, List<String> classes, ModelOptions options,
                       ModelLeases leases) {
        Path file = ModelFiles.resolve(model, options.directory());
        if (imgsz != 0 && ModelFiles.isName(model)) { // yolov8n at 320 is yolov8n_320, when it is there
            Path sized = ModelFiles.resolve(model + "_" + imgsz, options.directory());
            if (java.nio.file.Files.isReadable(sized)) {
                file = sized;
            }
        }
        Optional<String> missing = ModelFiles.missing(model, file);
        if (missing.isPresent()) {
            return Either.problem(missing.get());
        }
        if (!labels.isEmpty() && !java.nio.file.Files.isReadable(Path.of(labels))) {
            return Either.problem("labels file not found: " + labels);
        }
        if (OnnxRuntimeLibrary.problem().isPresent()) {
            return Either.problem(OnnxRuntimeLibrary.problem().get());
        }
        YoloDetector detector;
        try {
            detector = new YoloDetector(leases.load(file, options.threads()), labels.isEmpty() ? null : Path.of(labels));
        } catch (RuntimeException | LinkageError e) {
            return Either.problem(e.getMessage());
        }
        if (imgsz != 0 && imgsz != detector.inputSize()) {
            return Either.problem("model " + detector.modelName() + " takes " + detector.inputSize() + "x" + detector.inputSize()
                    + " inputs, not " + imgsz + ": " + (ModelFiles.isName(model) ? "run tools/fetch-models " + model + "_"
                    + imgsz + ", or " : "") + "export one at that size (yolo export model=" + detector.modelName()
                    + ".pt format=onnx imgsz=" + imgsz + "), or leave 'imgsz' out");
        }
        for (String name : classes) {
            if (!detector.labels().contains(name)) {
                return Either.problem("model " + detector.modelName() + " has no class '" + name + "'"
                        + (detector.labels().isEmpty() ? " (it names none: give a 'labels' file)"
                        : " (it knows: " + String.join(", ", detector.labels()) + ")"));
            }
        }
        return new Either(detector, null);
    }

    /** A loaded detector or the reason there is none. */
    record Either(YoloDetector detector, String problem) {
        static Either problem(String why) {
            return new Either(null, why);
        }

        Optional<String> why() {
            return Optional.ofNullable(problem);
        }
    }

    /** @return the class ids to keep, {@literal null} for all */
    static boolean[] allowed(YoloDetector detector, List<String> classes) {
        if (classes.isEmpty()) {
            return null;
        }
        boolean[] allowed = new boolean[detector.classes()];
        for (String name : classes) {
            allowed[detector.labels().indexOf(name)] = true;
        }
        return allowed;
    }

    @Override
    public boolean needsColor() {
        return true;
    }

    @Override
    public StepOutput apply(Frame frame, FrameImage image) throws PipelineException, InterruptedException {
        OnnxModel.Inference<List<YoloDetector.Box>> found;
        try {
            found = detector.detect(image, minScore, iou, allowed, maxDetections);
        } catch (OrtException e) {
            throw new PipelineException("the model failed on this frame", null, e);
        }
        List<Detection> detections = new ArrayList<>();
        for (YoloDetector.Box box : found.found()) {
            int x = Math.round(box.x1());
            int y = Math.round(box.y1());
            detections.add(new Detection(x, y, Math.max(0, Math.round(box.x2()) - x), Math.max(0, Math.round(box.y2()) - y),
                    detector.label(box.classId()), Math.round(box.score() * 1000) / 1000.0, Map.of("class_id", box.classId())));
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("count", detections.size());
        fields.put("model", detector.modelName());
        fields.put("input_size", detector.inputSize());
        return new StepOutput(fields, detections, found.phases());
    }


}
