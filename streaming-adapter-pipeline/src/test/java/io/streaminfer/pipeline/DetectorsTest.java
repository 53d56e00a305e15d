package io.streaminfer.pipeline;

import io.streaminfer.core.FrameProcessor;
import io.streaminfer.core.InferenceResult;
import io.streaminfer.core.PipelineInfo;
import io.streaminfer.core.PipelineRegistry;
import io.streaminfer.tck.SampleFrames;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Image;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.streaminfer.pipeline.RealModels.iou;
import static io.streaminfer.pipeline.RealModels.labelled;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code objects} (YOLOv8n, COCO) and {@code faces} on RetinaFace, on the sample frames. The
 * expected boxes were measured by hand on the photos (zoomed, on a 10-pixel grid), not taken
 * from the models:
 * <ul>
 *   <li>astronaut.jpg: the person from the top of her hair to the bottom edge, shoulder to
 *       shoulder: x 20, y 15, 345 x 497; her face from the hairline to the chin, cheek to cheek:
 *       x 180, y 72, 92 x 106; eyes at (205, 101) and (245, 102), nose tip (225, 127), mouth
 *       corners (205, 145) and (243, 145);</li>
 *   <li>coffee.jpg: the cup with its handle, rim to base: x 172, y 18, 238 x 285.</li>
 * </ul>
 */
class DetectorsTest {

    static final int[] ASTRONAUT_PERSON = {20, 15, 345, 497};
    static final int[] ASTRONAUT_FACE = {180, 72, 92, 106};
    static final int[][] ASTRONAUT_LANDMARKS = {{205, 101}, {245, 102}, {225, 127}, {205, 145}, {243, 145}};
    static final int[] COFFEE_CUP = {172, 18, 238, 285};

    @BeforeAll
    static void modelsFetched() {
        RealModels.assume("yolov8n");
        RealModels.assume("retinaface_mnet25");
    }

    private static List<Map<?, ?>> detect(String steps, byte[] jpeg) throws Exception {
        try (FrameProcessor processor = TestFrames.open(steps)) {
            return QrStepTest.detections(processor.process(TestFrames.frame(jpeg, 1)));
        }
    }

    @Test
    @DisplayName("astronaut.jpg: one person, where she is, and one face inside her box")
    void astronaut() throws Exception {
        List<Map<?, ?>> found = detect("{\"step\": \"objects\"}, {\"step\": \"faces\"}", SampleFrames.astronaut());

        List<Map<?, ?>> people = labelled(found, "person");
        List<Map<?, ?>> faces = labelled(found, "face");
        assertThat(people).hasSize(1);
        assertThat(iou(people.get(0), ASTRONAUT_PERSON)).isGreaterThan(0.85);
        assertThat(faces).hasSize(1);
        assertThat(iou(faces.get(0), ASTRONAUT_FACE)).isGreaterThan(0.7);
        Map<?, ?> person = people.get(0);
        Map<?, ?> face = faces.get(0);
        assertThat(RealModels.num(face, "x")).isGreaterThanOrEqualTo(RealModels.num(person, "x"));
        assertThat(RealModels.num(face, "x") + RealModels.num(face, "w"))
                .isLessThanOrEqualTo(RealModels.num(person, "x") + RealModels.num(person, "w"));
        assertThat(RealModels.num(face, "y")).isGreaterThanOrEqualTo(RealModels.num(person, "y"));
        assertThat(person.get("class_id")).isEqualTo(0);
        assertThat((double) RealModels.num(person, "score")).isBetween(0.5, 1.0);
    }

    @Test
    @DisplayName("RetinaFace's five landmarks land within 8 pixels (a fifth of the eye distance) of the measured eyes, nose and mouth corners")
    void landmarks() throws Exception {
        Map<?, ?> face = detect("{\"step\": \"faces\"}", SampleFrames.astronaut()).get(0);

        for (int p = 0; p < RetinaFaceDetector.LANDMARKS.size(); p++) {
            List<?> point = (List<?>) face.get(RetinaFaceDetector.LANDMARKS.get(p));
            double dx = ((Number) point.get(0)).doubleValue() - ASTRONAUT_LANDMARKS[p][0];
            double dy = ((Number) point.get(1)).doubleValue() - ASTRONAUT_LANDMARKS[p][1];
            assertThat(Math.hypot(dx, dy)).as(RetinaFaceDetector.LANDMARKS.get(p)).isLessThan(8.0); // a fifth of the 40-pixel eye distance
        }
    }

    @Test
    @DisplayName("coffee.jpg: a cup where it is, no person, no face")
    void coffee() throws Exception {
        List<Map<?, ?>> found = detect("{\"step\": \"objects\"}, {\"step\": \"faces\"}", SampleFrames.coffee());

        List<Map<?, ?>> cups = labelled(found, "cup");
        assertThat(cups).hasSize(1);
        assertThat(iou(cups.get(0), COFFEE_CUP)).isGreaterThan(0.75);
        assertThat(labelled(found, "person")).isEmpty();
        assertThat(labelled(found, "face")).isEmpty();
    }

    @Test
    @DisplayName("qr_scene.jpg: no face")
    void qrSceneHasNoFace() throws Exception {
        assertThat(detect("{\"step\": \"faces\"}", SampleFrames.qrScene())).isEmpty();
    }

    @Test
    @DisplayName("classes keeps only the named classes; min_score drops the weak")
    void classesAndScore() throws Exception {
        assertThat(detect("{\"step\": \"objects\", \"classes\": [\"person\"]}", SampleFrames.coffee())).isEmpty();
        assertThat(detect("{\"step\": \"objects\", \"classes\": [\"cup\"]}", SampleFrames.coffee()))
                .extracting(d -> String.valueOf(d.get("label"))).containsExactly("cup");
        assertThat(detect("{\"step\": \"objects\", \"min_score\": 0.99}", SampleFrames.coffee())).isEmpty();
    }

    @Test
    @DisplayName("imgsz 320 picks yolov8n_320 (tools/resize_yolo_model.py): the same person and cup, at a quarter of the pixels")
    void smallerInput() throws Exception {
        RealModels.assume("yolov8n_320");
        String steps = "{\"step\": \"objects\", \"imgsz\": 320}";

        List<Map<?, ?>> people = labelled(detect(steps, SampleFrames.astronaut()), "person");
        List<Map<?, ?>> cups = labelled(detect(steps, SampleFrames.coffee()), "cup");

        assertThat(people).hasSize(1);
        assertThat(iou(people.get(0), ASTRONAUT_PERSON)).isGreaterThan(0.8);
        assertThat(cups).hasSize(1);
        assertThat(iou(cups.get(0), COFFEE_CUP)).isGreaterThan(0.7);
        try (FrameProcessor processor = TestFrames.open(steps)) {
            Map<?, ?> objects = (Map<?, ?>) processor.process(TestFrames.frame(SampleFrames.coffee(), 1)).fields().get("objects");
            assertThat(objects.get("model")).isEqualTo("yolov8n_320");
            assertThat(objects.get("input_size")).isEqualTo(320);
        }
    }

    @Test
    @DisplayName("the labels are the model's own (its metadata names 80 COCO classes)")
    void labelsFromMetadata() {
        YoloDetector detector = ObjectsStep.load("yolov8n", "", 0, List.of(), ModelOptions.defaults()).detector();

        assertThat(detector.labels()).hasSize(80).startsWith("person", "bicycle", "car").endsWith("toothbrush");
        assertThat(detector.labels().get(41)).isEqualTo("cup");
    }

    @Test
    @DisplayName("a big frame is decoded smaller (DCT scaling) and the boxes still land in frame pixels")
    void largeFrameIsDecodedReduced() throws Exception {
        BufferedImage small = TestFrames.image(SampleFrames.astronaut());
        BufferedImage big = new BufferedImage(1536, 1536, BufferedImage.TYPE_INT_RGB);
        big.createGraphics().drawImage(small.getScaledInstance(1536, 1536, Image.SCALE_SMOOTH), 0, 0, null);
        byte[] jpeg = TestFrames.jpeg(big);
        FrameImage image = new FrameImage(TestFrames.frame(jpeg, 1), FrameDecoders.preferred(), true, DecodeLimits.defaults());
        Letterbox letterbox = Letterbox.of(1536, 1536, 640, Letterbox.Anchor.CENTRE);

        assertThat(letterbox.reduction(1536, 1536)).isEqualTo(2);
        assertThat(image.colour(2).width()).isIn(768, 1536); // 1536 only where OpenCV cannot load

        List<Map<?, ?>> people = labelled(detect("{\"step\": \"objects\"}", jpeg), "person");
        int[] scaled = new int[4];
        for (int i = 0; i < 4; i++) {
            scaled[i] = ASTRONAUT_PERSON[i] * 3;
        }
        assertThat(people).hasSize(1);
        assertThat(iou(people.get(0), scaled)).isGreaterThan(0.85);
    }

    @Test
    @DisplayName("the result says where the time went: decode, preprocess, model, postprocess")
    void timingsSplit() throws Exception {
        try (FrameProcessor processor = TestFrames.open("{\"step\": \"objects\"}")) {
            InferenceResult result = processor.process(TestFrames.frame(SampleFrames.qrScene(), 1));
            @SuppressWarnings("unchecked")
            Map<String, Object> timings = (Map<String, Object>) result.fields().get("timings_ms");
            assertThat(timings.keySet()).contains("objects", "objects.preprocess", "objects.model", "objects.postprocess", "decode");
            Map<?, ?> objects = (Map<?, ?>) result.fields().get("objects");
            assertThat(objects.get("model")).isEqualTo("yolov8n");
            assertThat(objects.get("input_size")).isEqualTo(640);
        }
    }

    @Test
    @DisplayName("mistakes only the model can reveal make the pipeline unavailable, with what to do")
    void unavailableWithTheReason(@TempDir Path empty) {
        PipelineRegistry here = Pipelines.parse("""
                {"typo": {"steps": [{"step": "objects", "classes": ["persn"]}]},
                 "size": {"steps": [{"step": "objects", "imgsz": 416}]}}
                """, "test.json", PipelineOptions.ofDefaults());
        PipelineRegistry elsewhere = Pipelines.parse("""
                {"objects": {"steps": [{"step": "objects"}]},
                 "dnn": {"steps": [{"step": "faces", "engine": "retinaface"}]}}
                """, "test.json", new PipelineOptions(Duration.ofMillis(50), 16_777_216L, new ModelOptions(empty, 1)));

        assertThat(reason(here, "typo")).contains("has no class 'persn'", "person, bicycle");
        assertThat(reason(here, "size")).contains("takes 640x640 inputs, not 416", "run tools/fetch-models yolov8n_416",
                "imgsz=416");
        assertThat(reason(elsewhere, "objects")).isEqualTo("step 'objects': model yolov8n is not in the models directory:"
                + " run tools/fetch-models yolov8n (or set STREAM_MODELS_DIR)");
        assertThat(reason(elsewhere, "dnn")).contains("run tools/fetch-models retinaface_mnet25");
    }

    private static String reason(PipelineRegistry registry, String id) {
        PipelineInfo info = registry.find(id).orElseThrow();
        assertThat(info.available()).isFalse();
        return info.unavailableReason();
    }

    @Test
    @DisplayName("without the RetinaFace model, faces falls back to the Haar cascade (engine auto)")
    void autoFallsBackToHaar(@TempDir Path empty) throws Exception {
        InferenceStepsTest.assumeFaces();
        PipelineRegistry registry = Pipelines.parse("{\"f\": {\"steps\": [{\"step\": \"faces\"}]}}", "test.json",
                new PipelineOptions(Duration.ofMillis(50), 16_777_216L, new ModelOptions(empty, 1)));

        try (FrameProcessor faces = registry.open("f")) {
            InferenceResult result = faces.process(TestFrames.frame(SampleFrames.astronaut(), 1));
            assertThat(((Map<?, ?>) result.fields().get("faces")).containsKey("engine")).isFalse();
            assertThat(QrStepTest.detections(result)).hasSize(1);
        }
    }
}
