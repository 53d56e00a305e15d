package io.streaminfer.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real models of {@code tools/fetch-models} for tests: skipped, with the reason, where they
 * have not been fetched (CI fetches them). Boxes are compared by IoU with boxes measured by hand
 * on the sample frames, never with what a model answered once.
 */
final class RealModels {

    private RealModels() {
    }

    static void assume(String model) {
        Path file = ModelOptions.defaults().directory().resolve(model + ".onnx");
        assumeTrue(Files.isReadable(file), () -> "model " + model + " not in " + file.getParent()
                + ": run tools/fetch-models " + model);
    }

    /** A box {x, y, w, h} in frame pixels. */
    static double iou(Map<?, ?> detection, int[] box) {
        double x1 = Math.max(num(detection, "x"), box[0]);
        double y1 = Math.max(num(detection, "y"), box[1]);
        double x2 = Math.min(num(detection, "x") + num(detection, "w"), box[0] + box[2]);
        double y2 = Math.min(num(detection, "y") + num(detection, "h"), box[1] + box[3]);
        double intersection = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
        double union = num(detection, "w") * num(detection, "h") + (double) box[2] * box[3] - intersection;
        return intersection / union;
    }

    static double num(Map<?, ?> detection, String key) {
        return ((Number) detection.get(key)).doubleValue();
    }

    static List<Map<?, ?>> labelled(List<Map<?, ?>> detections, String label) {
        return detections.stream().filter(d -> label.equals(d.get("label"))).toList();
    }
}
