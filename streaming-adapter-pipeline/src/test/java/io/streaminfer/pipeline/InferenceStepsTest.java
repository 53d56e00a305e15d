package io.streaminfer.pipeline;

import io.streaminfer.core.FrameProcessor;
import io.streaminfer.core.InferenceResult;
import io.streaminfer.core.PipelineInfo;
import io.streaminfer.core.PipelineRegistry;
import io.streaminfer.tck.SampleFrames;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.awt.Rectangle;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** faces (OpenCV) and ocr (Tesseract) on the sample frames; skipped with the reason where the engines are missing. */
class InferenceStepsTest {

    static void assumeFaces() {
        assumeTrue(FacesStep.problem("").isEmpty(), () -> "faces cannot run here: " + FacesStep.problem("").get());
    }

    static void assumeOcr() {
        assumeTrue(TesseractPool.problem("eng").isEmpty(), () -> "ocr cannot run here: " + TesseractPool.problem("eng").get());
    }

    @Test
    @DisplayName("faces finds the astronaut's face near x 177, y 66, 95x95")
    void findsTheAstronautsFace() throws Exception {
        assumeFaces();
        List<Map<?, ?>> faces = QrStepTest.detections(TestFrames.open("{\"step\": \"faces\", \"engine\": \"haar\"}")
                .process(TestFrames.frame(SampleFrames.astronaut(), 1)));

        assertThat(faces).hasSize(1);
        Map<?, ?> face = faces.get(0);
        assertThat(face.get("label")).isEqualTo("face");
        Rectangle box = new Rectangle((int) face.get("x"), (int) face.get("y"), (int) face.get("w"), (int) face.get("h"));
        Rectangle expected = new Rectangle(177, 66, 95, 95);
        Rectangle overlap = box.intersection(expected);
        assertThat((double) overlap.width * overlap.height / (expected.width * expected.height)).isGreaterThan(0.6);
        assertThat(((Number) face.get("score")).doubleValue()).isBetween(0.5, 1.0);
    }

    @Test
    @DisplayName("on a frame past the cascade's working size (1280 x 1280) the face is found and boxed in frame pixels")
    void findsTheFaceOnALargeFrame() throws Exception {
        assumeFaces();
        java.awt.image.BufferedImage large = new java.awt.image.BufferedImage(1280, 1280, java.awt.image.BufferedImage.TYPE_INT_RGB);
        large.createGraphics().drawImage(TestFrames.image(SampleFrames.astronaut()), 0, 0, 1280, 1280, null);
        assertThat(FacesStep.workingScale(1280, 1280)).isLessThan(1);

        List<Map<?, ?>> faces = QrStepTest.detections(TestFrames.open("{\"step\": \"faces\", \"engine\": \"haar\"}")
                .process(TestFrames.frame(TestFrames.jpeg(large), 1)));

        // the best-scored box is the face (the cascade also fires on the enlarged suit's texture, at lower scores)
        Map<?, ?> face = faces.stream().max(java.util.Comparator.comparingDouble(f -> ((Number) f.get("score")).doubleValue()))
                .orElseThrow();
        Rectangle box = new Rectangle((int) face.get("x"), (int) face.get("y"), (int) face.get("w"), (int) face.get("h"));
        Rectangle expected = new Rectangle(442, 165, 237, 237); // the 512 x 512 frame's face, times 2.5
        Rectangle overlap = box.intersection(expected);
        assertThat((double) overlap.width * overlap.height / (expected.width * expected.height)).isGreaterThan(0.6);
    }

    @Test
    void findsNoFaceInCoffee() throws Exception {
        assumeFaces();
        assertThat(QrStepTest.detections(TestFrames.open("{\"step\": \"faces\", \"engine\": \"haar\"}")
                .process(TestFrames.frame(SampleFrames.coffee(), 1)))).isEmpty();
    }

    @Test
    @DisplayName("ocr reads words of the printed page, each boxed with its confidence")
    void readsThePage() throws Exception {
        assumeOcr();
        InferenceResult result = TestFrames.open("{\"step\": \"ocr\"}").process(TestFrames.frame(SampleFrames.page(), 1));

        String text = (String) ((Map<?, ?>) result.fields().get("ocr")).get("text");
        assertThat(text).contains("segmentation", "markers", "background", "object");
        List<Map<?, ?>> words = QrStepTest.detections(result);
        assertThat(words).isNotEmpty().allSatisfy(word -> {
            assertThat(word.get("label")).isEqualTo("text");
            assertThat(((Number) word.get("score")).doubleValue()).isBetween(0.6, 1.0);
        });
        assertThat(words.stream().map(w -> (String) w.get("text"))).contains("segmentation", "markers", "coins");
    }

    @Test
    void readsNothingInCoffee() throws Exception {
        assumeOcr();
        InferenceResult result = TestFrames.open("{\"step\": \"ocr\", \"min_confidence\": 0.8}")
                .process(TestFrames.frame(SampleFrames.coffee(), 1));

        assertThat(QrStepTest.detections(result)).isEmpty();
    }

    @Test
    @DisplayName("several sessions on ocr at once get correct, unmixed results")
    void concurrentOcrSessions() throws Exception {
        assumeOcr();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> runs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                byte[] jpeg = i % 2 == 0 ? SampleFrames.page() : SampleFrames.coffee();
                FrameProcessor ocr = TestFrames.open("{\"step\": \"ocr\", \"min_confidence\": 0.8}");
                Callable<String> run = () -> {
                    StringBuilder texts = new StringBuilder();
                    for (int frame = 1; frame <= 3; frame++) {
                        texts.append(QrStepTest.detections(ocr.process(TestFrames.frame(jpeg, frame))).size()).append(' ');
                    }
                    return texts.toString();
                };
                runs.add(pool.submit(run));
            }
            String pageCounts = runs.get(0).get();
            for (int i = 0; i < runs.size(); i++) {
                if (i % 2 == 0) {
                    assertThat(runs.get(i).get()).isEqualTo(pageCounts).isNotEqualTo("0 0 0 ");
                } else {
                    assertThat(runs.get(i).get()).isEqualTo("0 0 0 ");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("a step whose engine or data is missing makes its pipeline unavailable, with the reason")
    void missingFilesMakePipelinesUnavailable() {
        PipelineRegistry registry = Pipelines.parse("""
                {"f": {"steps": [{"step": "faces", "cascade": "/nonexistent/cascade.xml"}]},
                 "o": {"steps": [{"step": "ocr", "lang": "klingon"}]},
                 "m": {"steps": [{"step": "qr"}, {"step": "onnx", "model": "/nonexistent/model.onnx"}]},
                 "q": {"steps": [{"step": "qr"}]}}
                """, "test.json", PipelineOptions.ofDefaults());

        assertThat(registry.find("f").orElseThrow().unavailableReason()).contains("/nonexistent/cascade.xml");
        assertThat(registry.find("o").orElseThrow().unavailableReason()).contains("klingon");
        assertThat(registry.find("m").orElseThrow().unavailableReason()).isEqualTo("step 'onnx': model file not found: /nonexistent/model.onnx");
        assertThat(registry.find("q").orElseThrow().available()).isTrue();
        assertThat(registry.pipelines()).extracting(PipelineInfo::id).containsExactly("f", "o", "m", "q");
    }
}
