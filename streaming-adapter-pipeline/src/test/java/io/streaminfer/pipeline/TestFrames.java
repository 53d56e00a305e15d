package io.streaminfer.pipeline;

import io.streaminfer.core.Frame;
import io.streaminfer.core.FrameProcessor;
import io.streaminfer.core.FrameRejectedException;
import io.streaminfer.core.FrameValidator;
import io.streaminfer.core.PipelineRegistry;
import io.streaminfer.core.PipelineUnavailableException;
import io.streaminfer.tck.SampleFrames;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Test data builders for the pipeline module: frames, images, single-step pipelines. */
final class TestFrames {

    private TestFrames() {
    }

    static Frame frame(byte[] jpeg, long index) {
        try {
            return new Frame(index, jpeg, FrameValidator.jpeg(Integer.MAX_VALUE).validate(jpeg), System.nanoTime());
        } catch (FrameRejectedException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    static BufferedImage image(byte[] jpeg) {
        try {
            return ImageIO.read(new ByteArrayInputStream(jpeg));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static BufferedImage coffee() {
        return image(SampleFrames.coffee());
    }

    static byte[] jpeg(BufferedImage image) {
        BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        rgb.createGraphics().drawImage(image, 0, 0, null);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(rgb, "jpg", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A registry of one pipeline {@code p} made of the given steps (JSON array items). */
    static PipelineRegistry registry(String stepsJson) {
        return Pipelines.parse("{\"p\": {\"steps\": [" + stepsJson + "]}}", "(test)", PipelineOptions.ofDefaults());
    }

    static FrameProcessor open(String stepsJson) {
        try {
            return registry(stepsJson).open("p");
        } catch (PipelineUnavailableException e) {
            throw new IllegalStateException(e);
        }
    }
}
