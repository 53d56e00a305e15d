package io.streaminfer.pipeline;

import io.streaminfer.core.Frame;
import io.streaminfer.core.FrameProcessor;
import io.streaminfer.core.InferenceResult;
import io.streaminfer.tck.HostileJpegs;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MotionStepTest {

    private static final int SIDE = 60;

    /** coffee.jpg with a black-and-white checkered square at (x, y): it stands out on any part of the photo. */
    private static byte[] sceneWithSquare(int x, int y) {
        BufferedImage scene = TestFrames.coffee();
        Graphics2D g = scene.createGraphics();
        int check = SIDE / 6;
        for (int cy = 0; cy < 6; cy++) {
            for (int cx = 0; cx < 6; cx++) {
                g.setColor((cx + cy) % 2 == 0 ? Color.BLACK : Color.WHITE);
                g.fillRect(x + cx * check, y + cy * check, check, check);
            }
        }
        g.dispose();
        return TestFrames.jpeg(scene);
    }

    private static double motionRatio(InferenceResult result) {
        return ((Number) ((Map<?, ?>) result.fields().get("motion")).get("motion_ratio")).doubleValue();
    }

    @Test
    @DisplayName("a square moving over a photo: nothing on frame 1, then a box that follows the square")
    void followsAMovingSquare() throws Exception {
        FrameProcessor motion = TestFrames.open("{\"step\": \"motion\"}");

        InferenceResult first = motion.process(TestFrames.frame(sceneWithSquare(50, 150), 1));
        assertThat(QrStepTest.detections(first)).isEmpty();
        assertThat(motionRatio(first)).isZero();

        for (int step = 1; step <= 6; step++) {
            Rectangle square = new Rectangle(50 + step * 70, 150 + step * 20, SIDE, SIDE);
            InferenceResult result = motion.process(TestFrames.frame(sceneWithSquare(square.x, square.y), step + 1));

            List<Map<?, ?>> regions = QrStepTest.detections(result);
            assertThat(regions).as("frame %d", step + 1).isNotEmpty();
            assertThat(regions).as("a region around the square at %s", square).anySatisfy(region -> {
                Rectangle box = new Rectangle((int) region.get("x"), (int) region.get("y"), (int) region.get("w"), (int) region.get("h"));
                assertThat(region.get("label")).isEqualTo("motion");
                assertThat(box.contains(new Rectangle(square.x + 4, square.y + 4, SIDE - 8, SIDE - 8))).isTrue();
                assertThat(box.width * box.height).isLessThan(6 * SIDE * SIDE); // about the square, not the frame
            });
            assertThat(motionRatio(result)).isPositive();
        }
    }

    @Test
    @DisplayName("a still scene reports no motion")
    void stillSceneHasNoMotion() throws Exception {
        FrameProcessor motion = TestFrames.open("{\"step\": \"motion\"}");
        byte[] still = sceneWithSquare(200, 200);

        for (int i = 1; i <= 5; i++) {
            InferenceResult result = motion.process(TestFrames.frame(still, i));
            assertThat(QrStepTest.detections(result)).as("frame %d", i).isEmpty();
            assertThat(motionRatio(result)).isZero();
        }
    }

    @Test
    @DisplayName("two sessions do not share state")
    void sessionsAreIndependent() throws Exception {
        FrameProcessor first = TestFrames.open("{\"step\": \"motion\"}");
        FrameProcessor second = TestFrames.open("{\"step\": \"motion\"}");
        first.process(TestFrames.frame(sceneWithSquare(50, 50), 1));

        InferenceResult secondsFirstFrame = second.process(TestFrames.frame(sceneWithSquare(300, 200), 1));
        InferenceResult firstsSecondFrame = first.process(TestFrames.frame(sceneWithSquare(300, 200), 2));

        assertThat(QrStepTest.detections(secondsFirstFrame)).isEmpty();
        assertThat(QrStepTest.detections(firstsSecondFrame)).isNotEmpty();
    }

    @Test
    @DisplayName("regions smaller than min_area are not reported")
    void smallRegionsAreIgnored() throws Exception {
        FrameProcessor motion = TestFrames.open("{\"step\": \"motion\", \"min_area\": 20000}");
        motion.process(TestFrames.frame(sceneWithSquare(50, 150), 1));

        InferenceResult result = motion.process(TestFrames.frame(sceneWithSquare(300, 150), 2));

        assertThat(QrStepTest.detections(result)).isEmpty();
        assertThat(motionRatio(result)).isPositive();
    }

    @Test
    @DisplayName("a session's background stays within 320 cells on its long side, even for a 4096 x 4096 frame")
    void stateIsBoundedWhateverTheFrameSize() throws Exception {
        MotionStep motion = new MotionStep(400, 25, 1, 0.1); // downscale 1: the frame's size would be the state's
        Frame huge = TestFrames.frame(HostileJpegs.declaredSize(4096, 4096), 1); // 152 bytes, decodes to 16.7 M pixels

        motion.apply(huge, new FrameImage(huge, FrameDecoders.preferred()));

        assertThat(motion.blockSide(4096, 4096)).isEqualTo(13);
        assertThat(motion.backgroundCells()).isEqualTo(315 * 315).isLessThanOrEqualTo(MotionStep.MAX_WORKING_SIDE * MotionStep.MAX_WORKING_SIDE);
    }

    @Test
    @DisplayName("the block grows with the frame only past 320 cells, and never past the frame's short side")
    void blockSide() {
        MotionStep motion = new MotionStep(400, 25, 4, 0.1);

        assertThat(motion.blockSide(640, 480)).isEqualTo(4);
        assertThat(motion.blockSide(1280, 720)).isEqualTo(4);
        assertThat(motion.blockSide(1920, 1080)).isEqualTo(6);
        assertThat(motion.blockSide(65_535, 256)).isEqualTo(205);
        assertThat(motion.blockSide(65_535, 1)).isEqualTo(1);
    }

    @Test
    @DisplayName("on a 1920 x 1280 frame (a larger block) the square is still boxed in pixels of the received frame")
    void boxesInFramePixelsOnLargeFrames() throws Exception {
        FrameProcessor motion = TestFrames.open("{\"step\": \"motion\"}");
        int side = 3 * SIDE;
        motion.process(TestFrames.frame(largeSceneWithSquare(150, 450, side), 1));

        Rectangle square = new Rectangle(1200, 600, side, side);
        InferenceResult result = motion.process(TestFrames.frame(largeSceneWithSquare(square.x, square.y, side), 2));

        assertThat(QrStepTest.detections(result)).anySatisfy(region -> {
            Rectangle box = new Rectangle((int) region.get("x"), (int) region.get("y"), (int) region.get("w"), (int) region.get("h"));
            assertThat(box.contains(new Rectangle(square.x + 8, square.y + 8, side - 16, side - 16))).isTrue();
            assertThat(box.width * box.height).isLessThan(3 * side * side);
        });
    }

    /** coffee.jpg scaled to 1920 x 1280 with a checkered square. */
    private static byte[] largeSceneWithSquare(int x, int y, int side) {
        BufferedImage scene = new BufferedImage(1920, 1280, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scene.createGraphics();
        g.drawImage(TestFrames.coffee(), 0, 0, 1920, 1280, null);
        int check = side / 6;
        for (int cy = 0; cy < 6; cy++) {
            for (int cx = 0; cx < 6; cx++) {
                g.setColor((cx + cy) % 2 == 0 ? Color.BLACK : Color.WHITE);
                g.fillRect(x + cx * check, y + cy * check, check, check);
            }
        }
        g.dispose();
        return TestFrames.jpeg(scene);
    }
}
