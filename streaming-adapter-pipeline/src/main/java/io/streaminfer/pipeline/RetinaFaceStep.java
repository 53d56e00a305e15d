package io.streaminfer.pipeline;

import ai.onnxruntime.OrtException;
import io.streaminfer.core.Detection;
import io.streaminfer.core.Frame;
import io.streaminfer.core.PipelineException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code faces} on a DNN: {@link RetinaFaceDetector}. Each face is labelled {@code face}, scored,
 * and carries its five landmarks as {@code [x, y]} in frame pixels under {@code left_eye},
 * {@code right_eye}, {@code nose}, {@code mouth_left} and {@code mouth_right} (left and right
 * as seen in the image).
 */
final class RetinaFaceStep implements Step {

    private final RetinaFaceDetector detector;
    private final float minScore;
    private final float nms;

    RetinaFaceStep(RetinaFaceDetector detector, double minScore, double nms) {
        this.detector = detector;
        this.minScore = (float) minScore;
        this.nms = (float) nms;
    }

    @Override
    public boolean needsColor() {
        return true;
    }

    @Override
    public StepOutput apply(Frame frame, FrameImage image) throws PipelineException, InterruptedException {
        OnnxModel.Inference<List<RetinaFaceDetector.Face>> found;
        try {
            found = detector.detect(image, minScore, nms);
        } catch (OrtException e) {
            throw new PipelineException("the face model failed on this frame", null, e);
        }
        List<Detection> detections = new ArrayList<>();
        for (RetinaFaceDetector.Face face : found.found()) {
            int x = Math.round(face.x1());
            int y = Math.round(face.y1());
            Map<String, Object> extra = new LinkedHashMap<>();
            for (int p = 0; p < RetinaFaceDetector.LANDMARKS.size(); p++) {
                extra.put(RetinaFaceDetector.LANDMARKS.get(p),
                        List.of(Math.round(face.landmarks()[2 * p]), Math.round(face.landmarks()[2 * p + 1])));
            }
            detections.add(new Detection(x, y, Math.max(0, Math.round(face.x2()) - x), Math.max(0, Math.round(face.y2()) - y),
                    "face", Math.round(face.score() * 1000) / 1000.0, extra));
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("count", detections.size());
        fields.put("engine", "retinaface");
        fields.put("model", detector.modelName());
        return new StepOutput(fields, detections,
                found.phases());
    }
}
