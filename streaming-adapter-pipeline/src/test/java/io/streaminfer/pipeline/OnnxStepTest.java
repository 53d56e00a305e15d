package io.streaminfer.pipeline;

import io.streaminfer.core.FrameProcessor;
import io.streaminfer.tck.SampleFrames;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole onnx path (load, letterbox, decode, confidence filter, NMS, mapping back) against
 * planted-yolo.onnx, a 64x64-input model made by tools/make_test_yolo_model.py that always
 * answers the same four anchors (see that script).
 */
class OnnxStepTest {

    static Path resource(String name) {
        try {
            return Path.of(OnnxStepTest.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static String steps() {
        return "{\"step\": \"onnx\", \"model\": \"" + resource("planted-yolo.onnx") + "\", \"labels\": \""
                + resource("planted-yolo.labels") + "\"}";
    }

    @Test
    @DisplayName("the planted boxes come back in frame pixels: the overlapping duplicate suppressed, the weak one filtered")
    void plantedBoxesMapBackToTheFrame() throws Exception {
        FrameProcessor onnx = TestFrames.open(steps());

        // coffee.jpg is 600x400: scale 64/600, letterboxed to 64x43 with 10 rows of padding on top
        List<Map<?, ?>> detections = QrStepTest.detections(onnx.process(TestFrames.frame(SampleFrames.coffee(), 1)));

        assertThat(detections).hasSize(2);
        assertBox(detections.get(0), "person", 0.9, expected(20, 20, 16, 24));
        assertBox(detections.get(1), "car", 0.7, expected(44, 40, 20, 12));
    }

    @Test
    void confidenceThresholdIsAParameter() throws Exception {
        FrameProcessor strict = TestFrames.open(steps().replace("}", ", \"conf\": 0.85}"));

        List<Map<?, ?>> detections = QrStepTest.detections(strict.process(TestFrames.frame(SampleFrames.coffee(), 1)));

        assertThat(detections.stream().map(d -> String.valueOf(d.get("label")))).containsExactly("person");
    }

    @Test
    @DisplayName("non-maximum suppression works per class")
    void suppressionIsPerClass() {
        YoloDetector.Box a = new YoloDetector.Box(0, 0, 10, 10, 0, 0.9f);
        YoloDetector.Box sameClassOverlap = new YoloDetector.Box(1, 1, 11, 11, 0, 0.8f);
        YoloDetector.Box otherClassOverlap = new YoloDetector.Box(1, 1, 11, 11, 1, 0.7f);

        assertThat(YoloDetector.nonMaximumSuppression(List.of(sameClassOverlap, a, otherClassOverlap), 0.45f))
                .containsExactly(a, otherClassOverlap);
    }

    /** A box planted in the 64x64 input, as it must come back in coffee.jpg (600x400): x, y, w, h. */
    private static double[] expected(double cx, double cy, double w, double h) {
        double scale = 64.0 / 600;                              // the longer side fills the input
        double padY = (64 - Math.round(400 * scale)) / 2;       // 43 rows of picture, 10 rows of padding above
        double top = Math.max(0, (cy - h / 2 - padY) / scale);  // a box reaching into the padding is cut at the edge
        double bottom = Math.min(400, (cy + h / 2 - padY) / scale);
        return new double[] {(cx - w / 2) / scale, top, w / scale, bottom - top};
    }

    private static void assertBox(Map<?, ?> detection, String label, double score, double[] box) {
        double x = box[0];
        double y = box[1];
        double w = box[2];
        double h = box[3];
        assertThat(detection.get("label")).isEqualTo(label);
        assertThat(((Number) detection.get("score")).doubleValue()).isCloseTo(score, org.assertj.core.data.Offset.offset(0.001));
        assertThat(((Number) detection.get("x")).doubleValue()).isCloseTo(x, org.assertj.core.data.Offset.offset(2.0));
        assertThat(((Number) detection.get("y")).doubleValue()).isCloseTo(y, org.assertj.core.data.Offset.offset(2.0));
        assertThat(((Number) detection.get("w")).doubleValue()).isCloseTo(w, org.assertj.core.data.Offset.offset(2.0));
        assertThat(((Number) detection.get("h")).doubleValue()).isCloseTo(h, org.assertj.core.data.Offset.offset(2.0));
    }
}
