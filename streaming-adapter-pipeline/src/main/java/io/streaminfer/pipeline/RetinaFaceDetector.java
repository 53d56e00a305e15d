package io.streaminfer.pipeline;

import ai.onnxruntime.OrtException;
import io.streaminfer.core.PipelineException;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * RetinaFace (Deng et al., CVPR 2020) with the MobileNet-0.25 backbone as InsightFace trained it
 * in MXNet, exported to ONNX: input {@code data [1, 3, S, S]} float RGB 0..255 (the frame in the
 * top-left corner, black padding), and for each feature stride 32, 16 and 8 three outputs
 * {@code face_rpn_cls_prob_reshape_stride<s>} (2 anchors' background then face probabilities),
 * {@code face_rpn_bbox_pred_stride<s>} (4 deltas per anchor) and
 * {@code face_rpn_landmark_pred_stride<s>} (5 points x 2 per anchor).
 *
 * <p>Decoded as InsightFace's {@code retinaface.py} does: square anchors of base size 16 with
 * scales (32, 16) at stride 32, (8, 4) at 16 and (2, 1) at 8, in that order at every cell;
 * boxes from the deltas by {@code bbox_pred} (centre + delta x width, width x exp(delta), widths
 * counted with +1 as in the original), landmarks by {@code landmark_pred} (centre + delta x
 * {@code landmark_std} x width; InsightFace trained {@code mnet025_v2}, its {@code net3l}
 * setting, with a landmark std of 0.2 and {@code mnet025_v1} with 1.0; boxes have no variances,
 * unlike the PyTorch re-implementation); then NMS. Thread-safe.
 */
final class RetinaFaceDetector {

    private static final int[] STRIDES = {32, 16, 8};
    private static final int[][] SCALES = {{32, 16}, {8, 4}, {2, 1}};
    private static final int BASE_SIZE = 16;

    /** The five landmarks, in the model's order, by the names results use. */
    static final List<String> LANDMARKS = List.of("left_eye", "right_eye", "nose", "mouth_left", "mouth_right");

    private final OnnxModel model;
    private final float landmarkStd;

    /**
     * @param model       the loaded model
     * @param landmarkStd what the model's landmark deltas were divided by in training
     * @throws IllegalArgumentException when it does not have RetinaFace's outputs
     */
    RetinaFaceDetector(OnnxModel model, double landmarkStd) {
        this.model = model;
        this.landmarkStd = (float) landmarkStd;
        for (int stride : STRIDES) {
            int cells = model.inputSize() / stride;
            expect(model, "face_rpn_cls_prob_reshape_stride" + stride, 4, cells);
            expect(model, "face_rpn_bbox_pred_stride" + stride, 8, cells);
            expect(model, "face_rpn_landmark_pred_stride" + stride, 20, cells);
        }
    }

    private static void expect(OnnxModel model, String output, int channels, int cells) {
        long[] shape = model.outputs().get(output);
        if (shape == null || shape.length != 4 || shape[1] != channels || shape[2] != cells || shape[3] != cells) {
            throw new IllegalArgumentException("not a RetinaFace model: output " + output + " should be [1, " + channels
                    + ", " + cells + ", " + cells + "], got " + (shape == null ? "none" : java.util.Arrays.toString(shape)));
        }
    }

    /**
     * @param model a model name or file
     * @return the landmark std it was trained with: 0.2 for {@code retinaface_mnet25} (InsightFace's
     *         {@code mnet025_v2}), else InsightFace's default 1.0 ({@code retinaface_mnet25_512} is
     *         {@code mnet025_v1}); checked against landmarks measured on a photo in the tests
     */
    static double landmarkStd(String model) {
        return "retinaface_mnet25".equals(model) ? 0.2 : 1.0;
    }

    String modelName() {
        return model.name();
    }

    int inputSize() {
        return model.inputSize();
    }

    /**
     * A face in frame pixels.
     *
     * @param landmarks x, y of {@link #LANDMARKS} in order
     */
    record Face(float x1, float y1, float x2, float y2, float score, float[] landmarks) {
        float iou(Face other) {
            return Letterbox.iou(x1, y1, x2, y2, other.x1, other.y1, other.x2, other.y2);
        }
    }

    /** @return the faces in frame pixels, best first, and where the time went */
    OnnxModel.Inference<List<Face>> detect(FrameImage image, float minScore, float nms)
            throws OrtException, InterruptedException, PipelineException {
        return model.infer(image, Letterbox.Anchor.TOP_LEFT, 1f, 0f, (slot, letterbox, width, height) ->
                decode(slot, letterbox, width, height, minScore, nms));
    }

    /** The model's outputs to faces in frame pixels (package-private for the benchmarks). */
    List<Face> decode(OnnxModel.Slot slot, Letterbox letterbox, int frameWidth, int frameHeight, float minScore, float nms) {
        List<Face> candidates = new ArrayList<>();
        for (int s = 0; s < STRIDES.length; s++) {
            proposals(slot, STRIDES[s], SCALES[s], minScore, letterbox, frameWidth, frameHeight, candidates);
        }
        return suppress(candidates, nms);
    }

    OnnxModel model() {
        return model;
    }

    private void proposals(OnnxModel.Slot slot, int stride, int[] scales, float minScore, Letterbox letterbox,
                           int frameWidth, int frameHeight, List<Face> out) {
        FloatBuffer scores = slot.output("face_rpn_cls_prob_reshape_stride" + stride);
        FloatBuffer deltas = slot.output("face_rpn_bbox_pred_stride" + stride);
        FloatBuffer points = slot.output("face_rpn_landmark_pred_stride" + stride);
        int cells = model.inputSize() / stride;
        int plane = cells * cells;
        int anchors = scales.length;
        for (int a = 0; a < anchors; a++) {
            // InsightFace's generate_anchors: base [0, 0, 15, 15] scaled about its centre 7.5
            float size = BASE_SIZE * scales[a];
            int scoreChannel = (anchors + a) * plane; // the first `anchors` channels are background
            for (int cell = 0; cell < plane; cell++) {
                float score = scores.get(scoreChannel + cell);
                if (score < minScore) {
                    continue;
                }
                float centreX = (cell % cells) * stride + (BASE_SIZE - 1) / 2f;
                float centreY = (cell / cells) * stride + (BASE_SIZE - 1) / 2f;
                int box = a * 4 * plane + cell;
                float x = centreX + deltas.get(box) * size;
                float y = centreY + deltas.get(box + plane) * size;
                float w = size * (float) Math.exp(deltas.get(box + 2 * plane));
                float h = size * (float) Math.exp(deltas.get(box + 3 * plane));
                float reach = size * landmarkStd;
                float[] landmarks = new float[10];
                int point = a * 10 * plane + cell;
                for (int p = 0; p < 5; p++) {
                    landmarks[2 * p] = letterbox.frameX(centreX + points.get(point + 2 * p * plane) * reach);
                    landmarks[2 * p + 1] = letterbox.frameY(centreY + points.get(point + (2 * p + 1) * plane) * reach);
                }
                out.add(new Face(
                        clamp(letterbox.frameX(x - (w - 1) / 2), frameWidth), clamp(letterbox.frameY(y - (h - 1) / 2), frameHeight),
                        clamp(letterbox.frameX(x + (w - 1) / 2), frameWidth), clamp(letterbox.frameY(y + (h - 1) / 2), frameHeight),
                        score, landmarks));
            }
        }
    }

    static List<Face> suppress(List<Face> candidates, float nms) {
        List<Face> sorted = new ArrayList<>(candidates);
        sorted.sort(Comparator.comparingDouble(Face::score).reversed());
        List<Face> kept = new ArrayList<>();
        for (Face face : sorted) {
            if (kept.stream().noneMatch(winner -> winner.iou(face) > nms)) {
                kept.add(face);
            }
        }
        return kept;
    }

    private static float clamp(float value, int limit) {
        return Math.max(0, Math.min(limit, value));
    }
}
