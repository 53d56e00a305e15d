package io.streaminfer.tck;

import io.streaminfer.core.Frame;
import io.streaminfer.core.FrameProcessor;
import io.streaminfer.core.FrameRejectedException;
import io.streaminfer.core.FrameValidator;
import io.streaminfer.core.InferenceResult;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract of a {@link FrameProcessor}: a result for every real frame, detections in the
 * shared shape and inside the frame, frames left untouched, a clean close. Subclass it, return
 * a new processor from {@link #newProcessor()}, and run it with JUnit 5.
 */
public abstract class FrameProcessorCompatibilityKit {

    /**
     * @return a new processor, as a registry would open it for one session
     */
    protected abstract FrameProcessor newProcessor();

    /**
     * @param jpeg a valid JPEG
     * @param index its frame index
     * @return the frame as the engine would hand it to a processor
     */
    protected static Frame frameOf(byte[] jpeg, long index) {
        try {
            return new Frame(index, jpeg, FrameValidator.jpeg(Integer.MAX_VALUE).validate(jpeg), System.nanoTime());
        } catch (FrameRejectedException e) {
            throw new IllegalArgumentException("not a valid sample frame: " + e.getMessage(), e);
        }
    }

    @Test
    @DisplayName("every real sample frame gets a result")
    void everySampleFrameGetsAResult() throws Exception {
        try (FrameProcessor processor = newProcessor()) {
            long index = 1;
            for (String name : SampleFrames.realJpegSizes().keySet()) {
                InferenceResult result = processor.process(frameOf(SampleFrames.load(name), index++));

                assertThat(result).as(name).isNotNull();
            }
        }
    }

    @Test
    @DisplayName("detections use the shared shape and lie inside the frame")
    void detectionsHaveTheSharedShape() throws Exception {
        try (FrameProcessor processor = newProcessor()) {
            long index = 1;
            for (Map.Entry<String, int[]> sample : SampleFrames.realJpegSizes().entrySet()) {
                InferenceResult result = processor.process(frameOf(SampleFrames.load(sample.getKey()), index++));
                Object detections = result.fields().getOrDefault(InferenceResult.DETECTIONS, List.of());

                assertThat(detections).as(sample.getKey()).isInstanceOf(List.class);
                for (Object item : (List<?>) detections) {
                    assertDetection(sample.getKey(), item, sample.getValue()[0], sample.getValue()[1]);
                }
            }
        }
    }

    @Test
    @DisplayName("a processor never modifies the frame bytes")
    void doesNotModifyFrames() throws Exception {
        byte[] jpeg = SampleFrames.astronaut();
        byte[] copy = jpeg.clone();
        try (FrameProcessor processor = newProcessor()) {
            processor.process(frameOf(jpeg, 1));
        }

        assertThat(jpeg).isEqualTo(copy);
    }

    @Test
    @DisplayName("a processor handles a long run of frames in order")
    void handlesASequence() throws Exception {
        try (FrameProcessor processor = newProcessor()) {
            byte[] a = SampleFrames.coffee();
            byte[] b = SampleFrames.qrScene();
            for (long i = 1; i <= 20; i++) {
                assertThat(processor.process(frameOf(i % 2 == 0 ? a : b, i))).isNotNull();
            }
        }
    }

    @Test
    @DisplayName("two processors of one pipeline do not share per-session state")
    void processorsAreIndependent() throws Exception {
        InferenceResult reference;
        try (FrameProcessor untouched = newProcessor()) {
            reference = untouched.process(frameOf(SampleFrames.qrScene(), 1));
        }
        try (FrameProcessor first = newProcessor(); FrameProcessor second = newProcessor()) {
            first.process(frameOf(SampleFrames.coffee(), 1));
            first.process(frameOf(SampleFrames.astronaut(), 2));

            InferenceResult fresh = second.process(frameOf(SampleFrames.qrScene(), 1));

            assertThat(withoutTimings(fresh, reference)).isEqualTo(reference);
        }
    }

    @Test
    @DisplayName("close can be called on a processor that never ran")
    void closesUnused() {
        FrameProcessor processor = newProcessor();

        processor.close();

        assertThat(processor).isNotNull();
    }

    /** Results may carry timings that differ between runs; compare the rest. */
    private static InferenceResult withoutTimings(InferenceResult result, InferenceResult reference) {
        if (!result.fields().containsKey("timings_ms")) {
            return result;
        }
        Map<String, Object> fields = new java.util.LinkedHashMap<>(result.fields());
        fields.put("timings_ms", reference.fields().get("timings_ms"));
        return InferenceResult.of(fields);
    }

    private static void assertDetection(String sample, Object item, int width, int height) {
        assertThat(item).as(sample).isInstanceOf(Map.class);
        Map<?, ?> detection = (Map<?, ?>) item;
        assertThat(detection.keySet().stream().map(String::valueOf).toList()).as(sample)
                .contains("x", "y", "w", "h", "label", "score");
        int x = ((Number) detection.get("x")).intValue();
        int y = ((Number) detection.get("y")).intValue();
        int w = ((Number) detection.get("w")).intValue();
        int h = ((Number) detection.get("h")).intValue();
        double score = ((Number) detection.get("score")).doubleValue();
        assertThat(x).as(sample + " x").isBetween(0, width);
        assertThat(y).as(sample + " y").isBetween(0, height);
        assertThat(x + w).as(sample + " x + w").isLessThanOrEqualTo(width);
        assertThat(y + h).as(sample + " y + h").isLessThanOrEqualTo(height);
        assertThat(score).as(sample + " score").isBetween(0.0, 1.0);
        assertThat(detection.get("label")).as(sample + " label").isInstanceOf(String.class);
    }
}
