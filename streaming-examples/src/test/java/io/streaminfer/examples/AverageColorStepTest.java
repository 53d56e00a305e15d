package io.streaminfer.examples;

import io.streaminfer.core.Frame;
import io.streaminfer.core.FrameProcessor;
import io.streaminfer.core.FrameValidator;
import io.streaminfer.core.PipelineRegistry;
import io.streaminfer.pipeline.PipelineFileException;
import io.streaminfer.pipeline.PipelineOptions;
import io.streaminfer.pipeline.Pipelines;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Example 3 runs: the step is found on the class path and used from a pipelines file, without touching the server's code. */
class AverageColorStepTest {

    private static byte[] jpeg(Color color) throws Exception {
        BufferedImage image = new BufferedImage(32, 24, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, 32, 24);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpg", out);
        return out.toByteArray();
    }

    @Test
    @DisplayName("a pipelines file uses average_color like a built-in step")
    void stepRunsFromPipelinesFile() throws Exception {
        PipelineRegistry registry = Pipelines.parse("{\"alarm\": {\"steps\": [{\"step\": \"average_color\", \"red_alarm\": 200}]}}",
                "example.json", PipelineOptions.ofDefaults());
        byte[] red = jpeg(Color.RED);

        try (FrameProcessor session = registry.open("alarm")) {
            Map<String, Object> result = session.process(new Frame(1, red, FrameValidator.jpeg(1 << 20).validate(red), 0)).fields();

            Map<?, ?> colour = (Map<?, ?>) result.get("average_color");
            assertThat(((Number) colour.get("r")).longValue()).isGreaterThan(240);
            assertThat(((Number) colour.get("g")).longValue()).isLessThan(20);
            assertThat(colour.get("red_alarm")).isEqualTo(true);
        }
        assertThatThrownBy(() -> Pipelines.parse("{\"p\": {\"steps\": [{\"step\": \"average_color\", \"red\": 1}]}}",
                "example.json", PipelineOptions.ofDefaults()))
                .isInstanceOf(PipelineFileException.class)
                .hasMessageContaining("pipeline 'p', step 1 'average_color': the only parameter is 'red_alarm'");
    }
}
