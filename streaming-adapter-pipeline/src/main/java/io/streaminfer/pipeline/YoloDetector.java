package io.streaminfer.pipeline;

import ai.onnxruntime.OrtException;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A detection model in the YOLOv8 / YOLO11 export layout: input {@code [1, 3, S, S]} float RGB
 * 0..1, letterboxed (centred, grey 114 padding, as Ultralytics trains); output
 * {@code [1, 4 + classes, anchors]} with {@code cx, cy, w, h} in input pixels, then one score per
 * class, no NMS. Keeps the best class of each anchor above the score, runs per-class
 * non-maximum suppression and maps the boxes back to frame pixels. Class names come from the
 * model's own metadata ({@code names}, written by Ultralytics' exporter), else a labels file,
 * else {@code class_<n>}. Thread-safe; one per model file.
 */
final class YoloDetector {

    private static final float PAD = 114f / 255f;
    private static final Pattern NAME = Pattern.compile("(\\d+)\\s*:\\s*(?:'((?:[^'\\\\]|\\\\.)*)'|\"((?:[^\"\\\\]|\\\\.)*)\")");
    /** Candidates kept for NMS at most, the best first (Ultralytics keeps 30,000). */
    private static final int MAX_CANDIDATES = 30_000;

    private final OnnxModel model;
    private final int classes;
    private final int anchors;
    private final List<String> labels;

    /**
     * @param model      the loaded model
     * @param labelsFile one class name per line, or {@literal null} to use the model's metadata
     * @throws IllegalArgumentException when the model is not in this layout
     */
    YoloDetector(OnnxModel model, Path labelsFile) {
        this.model = model;
        if (model.outputs().size() != 1) {
            throw new IllegalArgumentException("a YOLO detection model has one output, this one has " + model.outputs().size());
        }
        Map.Entry<String, long[]> only = model.outputs().entrySet().iterator().next();
        long[] shape = only.getValue();
        if (shape.length != 3 || shape[0] != 1 || shape[1] < 5 || shape[2] < 1) {
            throw new IllegalArgumentException("a YOLO detection model's output is [1, 4 + classes, anchors], got "
                    + java.util.Arrays.toString(shape));
        }

        this.classes = (int) shape[1] - 4;
        this.anchors = (int) shape[2];
        this.labels = labelsFile != null ? readLabels(labelsFile) : namesFromMetadata(model.metadata().get("names"));
    }

    private static List<String> readLabels(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
        } catch (IOException e) {
            throw new IllegalArgumentException("the labels file " + file.getFileName() + " cannot be read: " + e.getMessage());
        }
    }

    /**
     * @param names Ultralytics' {@code names} metadata, a Python dict literal like
     *              {@code {0: 'person', 1: 'bicycle'}}, or {@literal null}
     * @return the names by class index; empty when there are none
     */
    static List<String> namesFromMetadata(String names) {
        if (names == null) {
            return List.of();
        }
        Map<Integer, String> byIndex = new TreeMap<>();
        Matcher m = NAME.matcher(names);
        while (m.find()) {
            String value = m.group(2) != null ? m.group(2) : m.group(3);
            byIndex.put(Integer.parseInt(m.group(1)), value.replace("\\'", "'").replace("\\\"", "\""));
        }
        List<String> list = new ArrayList<>();
        for (int i = 0; byIndex.containsKey(i); i++) {
            list.add(byIndex.get(i));
        }
        return List.copyOf(list);
    }

    int inputSize() {
        return model.inputSize();
    }

    String modelName() {
        return model.name();
    }

    int classes() {
        return classes;
    }

    /** @return the class names the model knows (empty when it names none) */
    List<String> labels() {
        return labels;
    }

    OnnxModel model() {
        return model;
    }

    String label(int classId) {
        return classId < labels.size() ? labels.get(classId) : "class_" + classId;
    }

    /** A box in frame pixels with its class and score. */
    record Box(float x1, float y1, float x2, float y2, int classId, float score) {
        float iou(Box other) {
            return Letterbox.iou(x1, y1, x2, y2, other.x1, other.y1, other.x2, other.y2);
        }
    }

    /**
     * @param image         the frame, decoded at most once for all the steps of its pipeline
     * @param minScore      the least class score kept
     * @param iou           overlap above which a weaker box of the same class is dropped
     * @param allowed       the class ids to keep, {@literal null} for all
     * @param maxDetections the most boxes returned
     * @return the boxes in frame pixels, best first, and where the time went
     */
    OnnxModel.Inference<List<Box>> detect(FrameImage image, float minScore, float iou, boolean[] allowed, int maxDetections)
            throws OrtException, InterruptedException, io.streaminfer.core.PipelineException {
        return model.infer(image, Letterbox.Anchor.CENTRE, 1f / 255f, PAD, (slot, letterbox, width, height) ->
                decode(slot.output(), letterbox, width, height, minScore, iou, allowed, maxDetections));
    }

    /** The model's output to boxes in frame pixels (package-private for the benchmarks). */
    List<Box> decode(FloatBuffer out, Letterbox letterbox, int frameWidth, int frameHeight, float minScore,
                             float iou, boolean[] allowed, int maxDetections) {
        // class by class, each a contiguous row: the best allowed class of every anchor
        float[] best = new float[anchors];
        int[] bestClass = new int[anchors];
        java.util.Arrays.fill(bestClass, -1);
        float[] row = new float[anchors];
        for (int c = 0; c < classes; c++) {
            if (allowed != null && (c >= allowed.length || !allowed[c])) {
                continue;
            }
            out.get((4 + c) * anchors, row, 0, anchors);
            for (int a = 0; a < anchors; a++) {
                if (row[a] >= minScore && row[a] > best[a]) {
                    best[a] = row[a];
                    bestClass[a] = c;
                }
            }
        }
        List<Box> candidates = new ArrayList<>();
        for (int a = 0; a < anchors; a++) {
            if (bestClass[a] < 0) {
                continue;
            }
            float cx = out.get(a);
            float cy = out.get(anchors + a);
            float w = out.get(2 * anchors + a);
            float h = out.get(3 * anchors + a);
            candidates.add(new Box(
                    clamp(letterbox.frameX(cx - w / 2), frameWidth), clamp(letterbox.frameY(cy - h / 2), frameHeight),
                    clamp(letterbox.frameX(cx + w / 2), frameWidth), clamp(letterbox.frameY(cy + h / 2), frameHeight),
                    bestClass[a], best[a]));
        }
        candidates.sort(Comparator.comparingDouble(Box::score).reversed());
        if (candidates.size() > MAX_CANDIDATES) {
            candidates = candidates.subList(0, MAX_CANDIDATES);
        }
        List<Box> kept = nonMaximumSuppression(candidates, iou);
        return kept.size() > maxDetections ? List.copyOf(kept.subList(0, maxDetections)) : kept;
    }

    /** Per-class greedy NMS; the input in any order, the result best first. */
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
