package io.streaminfer.pipeline;

import io.streaminfer.core.FrameProcessor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.awt.image.ConvolveOp;
import java.awt.image.Kernel;
import java.awt.image.RescaleOp;
import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ImageStatsStepTest {

    private final FrameProcessor stats = TestFrames.open("{\"step\": \"image_stats\"}");

    private Map<?, ?> statsOf(BufferedImage image) throws Exception {
        return (Map<?, ?>) stats.process(TestFrames.frame(TestFrames.jpeg(image), 1)).fields().get("image_stats");
    }

    private static double value(Map<?, ?> stats, String key) {
        return ((Number) stats.get(key)).doubleValue();
    }

    @Test
    @DisplayName("a blurred copy is much less sharp than the original")
    void tellsBlurredFromSharp() throws Exception {
        BufferedImage sharp = TestFrames.coffee();
        float[] box = new float[81];
        Arrays.fill(box, 1f / 81);
        BufferedImage blurred = new ConvolveOp(new Kernel(9, 9, box), ConvolveOp.EDGE_NO_OP, null).filter(sharp, null);

        Map<?, ?> sharpStats = statsOf(sharp);
        Map<?, ?> blurredStats = statsOf(blurred);

        assertThat(value(blurredStats, "sharpness")).isLessThan(value(sharpStats, "sharpness") / 5);
        assertThat(value(sharpStats, "width")).isEqualTo(600);
        assertThat(value(sharpStats, "height")).isEqualTo(400);
    }

    @Test
    @DisplayName("a dark copy has a lower mean and more under-exposed pixels")
    void tellsDarkFromNormal() throws Exception {
        BufferedImage normal = TestFrames.coffee();
        BufferedImage dark = new RescaleOp(0.15f, 0, null).filter(normal, null);

        Map<?, ?> normalStats = statsOf(normal);
        Map<?, ?> darkStats = statsOf(dark);

        assertThat(value(darkStats, "mean_luma")).isLessThan(value(normalStats, "mean_luma") / 3);
        assertThat(value(darkStats, "underexposed")).isGreaterThan(0.5).isGreaterThan(value(normalStats, "underexposed"));
        assertThat(value(darkStats, "contrast")).isLessThan(value(normalStats, "contrast"));
    }

    @Test
    void aWhiteFrameIsOverexposedWithoutContrast() throws Exception {
        BufferedImage white = new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB);
        Arrays.fill(((java.awt.image.DataBufferInt) white.getRaster().getDataBuffer()).getData(), 0xFFFFFF);

        Map<?, ?> whiteStats = statsOf(white);

        assertThat(value(whiteStats, "overexposed")).isEqualTo(1.0);
        assertThat(value(whiteStats, "contrast")).isLessThan(1.0);
        assertThat(value(whiteStats, "sharpness")).isLessThan(1.0);
    }
}
