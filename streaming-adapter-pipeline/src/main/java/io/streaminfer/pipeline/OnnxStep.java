package io.streaminfer.pipeline;

import ai.onnxruntime.OrtException;
import io.streaminfer.core.Detection;
import io.streaminfer.core.Frame;
import io.streaminfer.core.PipelineException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code onnx}: a user's detection model (YOLOv8 export layout) through {@link OnnxDetector}. */
final class OnnxStep implements Step {

    private final OnnxDetector detector;
    private final float confidence;
    private final float iou;

    OnnxStep(OnnxDetector detector, double confidence, double iou) {
        this.detector = detector;
        this.confidence = (float) confidence;
        this.iou = (float) iou;
    }

    /** Why a model cannot run here, if it cannot. */
    static Optional<String> problem(String model, String labels) {
        if (model.isEmpty()) {
            return Optional.of("no model: set the step's 'model' parameter to an .onnx file");
        }
        if (!Files.isReadable(Path.of(model))) {
            return Optional.of("model file not found: " + model);
        }
        if (!labels.isEmpty() && !Files.isReadable(Path.of(labels))) {
            return Optional.of("labels file not found: " + labels);
        }
        try {
            OnnxDetector.of(Path.of(model), labels.isEmpty() ? null : Path.of(labels));
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            return Optional.of(e.getMessage());
        }
        return Optional.empty();
    }

    @Override
    public boolean needsColor() {
        return true;
    }

    @Override
    public StepOutput apply(Frame frame, FrameImage image) throws PipelineException {
        List<OnnxDetector.Box> boxes;
        try {
            boxes = detector.detect(image.rgb(), confidence, iou);
        } catch (OrtException e) {
            throw new PipelineException("the model failed on this frame", "onnx", e);
        }
        List<Detection> detections = new ArrayList<>();
        for (OnnxDetector.Box box : boxes) {
            int x = Math.round(box.x1());
            int y = Math.round(box.y1());
            detections.add(new Detection(x, y, Math.max(0, Math.round(box.x2()) - x), Math.max(0, Math.round(box.y2()) - y),
                    detector.label(box.classId()), Math.round(box.score() * 1000) / 1000.0, Map.of("class_id", box.classId())));
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("count", detections.size());
        fields.put("input_size", detector.inputSize());
        return new StepOutput(fields, detections);
    }
}
