package io.streaminfer.pipeline;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One loaded detection model in the YOLOv8 export layout (input {@code [1, 3, S, S]} float RGB
 * 0..1, output {@code [1, 4 + classes, anchors]} with {@code cx, cy, w, h} in input pixels, then
 * one score per class), shared by all sessions: ONNX Runtime sessions are safe to run from
 * several threads. Letterboxes the frame, filters by confidence, runs per-class non-maximum
 * suppression and maps the boxes back to frame pixels.
 */
final class OnnxDetector {

    private static final Map<Path, OnnxDetector> LOADED = new ConcurrentHashMap<>();
    private static final float PAD = 114f / 255f;

    private final OrtEnvironment environment = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final String inputName;
    private final int inputSize;
    private final List<String> labels;

    private OnnxDetector(Path model, Path labelsFile) throws OrtException, IOException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(1); // the engine's worker pool already spreads the load over the cores
        this.session = environment.createSession(model.toString(), options);
        Map.Entry<String, NodeInfo> input = session.getInputInfo().entrySet().iterator().next();
        this.inputName = input.getKey();
        long[] shape = ((TensorInfo) input.getValue().getInfo()).getShape();
        if (shape.length != 4 || shape[1] != 3 || shape[2] != shape[3] || shape[2] <= 0) {
            throw new IllegalArgumentException("model input must be [1, 3, S, S], got " + java.util.Arrays.toString(shape));
        }
        this.inputSize = (int) shape[2];
        this.labels = labelsFile == null ? List.of()
                : Files.readAllLines(labelsFile, StandardCharsets.UTF_8).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** The detector of a model file, loaded once per process. */
    static OnnxDetector of(Path model, Path labels) {
        return LOADED.computeIfAbsent(model.toAbsolutePath().normalize(), key -> {
            try {
                return new OnnxDetector(key, labels);
            } catch (OrtException | IOException e) {
                throw new IllegalStateException("model " + key.getFileName() + " could not be loaded: " + e.getMessage(), e);
            }
        });
    }

    int inputSize() {
        return inputSize;
    }

    /** A box in frame pixels with its class and score. */
    record Box(float x1, float y1, float x2, float y2, int classId, float score) {
        float area() {
            return Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
        }

        float iou(Box other) {
            float w = Math.min(x2, other.x2) - Math.max(x1, other.x1);
            float h = Math.min(y2, other.y2) - Math.max(y1, other.y1);
            float intersection = Math.max(0, w) * Math.max(0, h);
            float union = area() + other.area() - intersection;
            return union <= 0 ? 0 : intersection / union;
        }
    }

    String label(int classId) {
        return classId < labels.size() ? labels.get(classId) : "class_" + classId;
    }

    List<Box> detect(RgbImage image, float confidence, float iou) throws OrtException {
        float scale = Math.min((float) inputSize / image.width(), (float) inputSize / image.height());
        int scaledWidth = Math.round(image.width() * scale);
        int scaledHeight = Math.round(image.height() * scale);
        int padX = (inputSize - scaledWidth) / 2;
        int padY = (inputSize - scaledHeight) / 2;
        FloatBuffer input = letterbox(image, scale, scaledWidth, scaledHeight, padX, padY);
        try (OnnxTensor tensor = OnnxTensor.createTensor(environment, input, new long[] {1, 3, inputSize, inputSize});
             OrtSession.Result result = session.run(Map.of(inputName, tensor))) {
            float[][] output = ((float[][][]) result.get(0).getValue())[0]; // [4 + classes][anchors]
            List<Box> candidates = new ArrayList<>();
            int classes = output.length - 4;
            for (int a = 0; a < output[0].length; a++) {
                int best = -1;
                float bestScore = confidence;
                for (int c = 0; c < classes; c++) {
                    if (output[4 + c][a] >= bestScore) {
                        bestScore = output[4 + c][a];
                        best = c;
                    }
                }
                if (best < 0) {
                    continue;
                }
                float cx = output[0][a];
                float cy = output[1][a];
                float w = output[2][a];
                float h = output[3][a];
                candidates.add(new Box(
                        clamp((cx - w / 2 - padX) / scale, image.width()), clamp((cy - h / 2 - padY) / scale, image.height()),
                        clamp((cx + w / 2 - padX) / scale, image.width()), clamp((cy + h / 2 - padY) / scale, image.height()),
                        best, bestScore));
            }
            return nonMaximumSuppression(candidates, iou);
        }
    }

    private FloatBuffer letterbox(RgbImage image, float scale, int scaledWidth, int scaledHeight, int padX, int padY) {
        int plane = inputSize * inputSize;
        float[] chw = new float[3 * plane];
        java.util.Arrays.fill(chw, PAD);
        byte[] rgb = image.rgb();
        for (int y = 0; y < scaledHeight; y++) {
            int sourceY = Math.min(image.height() - 1, (int) (y / scale));
            for (int x = 0; x < scaledWidth; x++) {
                int sourceX = Math.min(image.width() - 1, (int) (x / scale)); // nearest neighbour
                int from = (sourceY * image.width() + sourceX) * 3;
                int to = (y + padY) * inputSize + (x + padX);
                chw[to] = (rgb[from] & 0xFF) / 255f;
                chw[plane + to] = (rgb[from + 1] & 0xFF) / 255f;
                chw[2 * plane + to] = (rgb[from + 2] & 0xFF) / 255f;
            }
        }
        return FloatBuffer.wrap(chw);
    }

    static List<Box> nonMaximumSuppression(List<Box> candidates, float iou) {
        List<Box> sorted = new ArrayList<>(candidates);
        sorted.sort(Comparator.comparingDouble(Box::score).reversed());
        List<Box> kept = new ArrayList<>();
        for (Box box : sorted) {
            boolean suppressed = false;
            for (Box winner : kept) {
                if (winner.classId() == box.classId() && winner.iou(box) > iou) {
                    suppressed = true;
                    break;
                }
            }
            if (!suppressed) {
                kept.add(box);
            }
        }
        return kept;
    }

    private static float clamp(float value, int limit) {
        return Math.max(0, Math.min(limit, value));
    }
}
