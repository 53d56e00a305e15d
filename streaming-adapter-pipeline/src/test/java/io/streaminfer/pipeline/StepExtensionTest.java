package io.streaminfer.pipeline;

import io.streaminfer.core.FrameProcessor;
import io.streaminfer.core.InferenceResult;
import io.streaminfer.core.PipelineInfo;
import io.streaminfer.core.PipelineRegistry;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A step defined only in test code (com.example.steps), found with ServiceLoader and used from a pipelines file. */
class StepExtensionTest {

    private static PipelineRegistry parse(String json) {
        return Pipelines.parse(json, "test.json", PipelineOptions.ofDefaults());
    }

    private static byte[] frame(Color color) {
        BufferedImage image = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, 64, 48);
        g.dispose();
        return TestFrames.jpeg(image);
    }

    @Test
    @DisplayName("an extension step runs in a pipeline next to a built-in one, per session, with its parameters")
    void extensionStepRuns() throws Exception {
        PipelineRegistry registry = parse("""
                {"night": {"steps": [{"step": "image_stats"}, {"step": "dark_pixels", "level": 40, "alarm_share": 0.9}]}}
                """);

        try (FrameProcessor session = registry.open("night")) {
            InferenceResult dark = session.process(TestFrames.frame(frame(Color.BLACK), 1));
            InferenceResult light = session.process(TestFrames.frame(frame(Color.WHITE), 2));

            Map<String, Object> darkFields = dark.fields();
            assertThat(((Map<?, ?>) darkFields.get("dark_pixels")).get("dark_share")).isEqualTo(1.0);
            assertThat(((Map<?, ?>) darkFields.get("dark_pixels")).get("frames_seen")).isEqualTo(1L);
            assertThat((List<?>) darkFields.get("detections")).hasSize(1);
            assertThat(darkFields).containsKey("image_stats");
            assertThat(((Map<?, ?>) light.fields().get("dark_pixels")).get("dark_share")).isEqualTo(0.0);
            assertThat(((Map<?, ?>) light.fields().get("dark_pixels")).get("frames_seen")).isEqualTo(2L);
            assertThat((List<?>) light.fields().get("detections")).isEmpty();
        }
        try (FrameProcessor another = registry.open("night")) {
            InferenceResult first = another.process(TestFrames.frame(frame(Color.BLACK), 1));
            assertThat(((Map<?, ?>) first.fields().get("dark_pixels")).get("frames_seen")).as("a new session, a new step")
                    .isEqualTo(1L);
        }
    }

    @Test
    @DisplayName("the extension's own parameter errors are reported with the pipeline and step they are in")
    void extensionParameterErrors() {
        assertThatThrownBy(() -> parse("{\"p\": {\"steps\": [{\"step\": \"dark_pixels\", \"levl\": 3}]}}"))
                .isInstanceOf(PipelineFileException.class)
                .hasMessageContaining("pipeline 'p', step 1 'dark_pixels': unknown parameter 'levl'");
        assertThatThrownBy(() -> parse("{\"p\": {\"steps\": [{\"step\": \"dark_pixels\", \"level\": 300}]}}"))
                .hasMessageContaining("'level' must be a whole number from 0 to 255, got 300");
    }

    @Test
    @DisplayName("an extension that cannot run here makes its pipeline unavailable with the reason; it is listed among the known steps")
    void unavailableExtensionAndListing() {
        PipelineRegistry registry = parse("{\"gpu\": {\"steps\": [{\"step\": \"dark_pixels\", \"needs\": \"gpu\"}]},"
                + " \"cpu\": {\"steps\": [{\"step\": \"noop\"}]}}");

        PipelineInfo gpu = registry.find("gpu").orElseThrow();
        assertThat(gpu.available()).isFalse();
        assertThat(gpu.unavailableReason()).contains("no GPU on this machine");
        assertThat(registry.find("cpu").orElseThrow().available()).isTrue();
        assertThatThrownBy(() -> parse("{\"p\": {\"steps\": [{\"step\": \"nope\"}]}}"))
                .hasMessageContaining("dark_pixels");
    }
}
