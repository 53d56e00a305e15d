package io.streaminfer.tck;

import io.streaminfer.core.ErrorCode;
import io.streaminfer.core.FrameRejectedException;
import io.streaminfer.core.FrameValidator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadUpdateListener;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The hostile JPEGs are a real threat to the JDK's decoder (it believes their headers), and the
 * validator refuses them before any decoding.
 */
class HostileJpegsTest {

    private static final long FIVE_MIB = 5L * 1024 * 1024;
    private final FrameValidator validator = FrameValidator.jpeg(FIVE_MIB);

    @Nested
    @DisplayName("declared size")
    class DeclaredSize {

        @Test
        @DisplayName("the JDK reader takes 156 bytes declaring 46000 x 46000 at their word: 2.1 billion pixels to allocate")
        void jdkReaderBelievesTheHeader() throws IOException {
            byte[] bomb = HostileJpegs.declaredSize(HostileJpegs.HUGE_SIDE, HostileJpegs.HUGE_SIDE);

            ImageReader reader = jdkReader(bomb);
            try {
                assertThat(bomb.length).isLessThan(200);
                assertThat(reader.getWidth(0)).isEqualTo(46_000);
                assertThat(reader.getHeight(0)).isEqualTo(46_000);
            } finally {
                reader.dispose();
            }
        }

        @Test
        @DisplayName("the JDK reader decodes the few bytes into every declared pixel (shown at 2048 x 2048, not to take the test down)")
        void jdkReaderDecodesEveryDeclaredPixel() throws IOException {
            byte[] bomb = HostileJpegs.declaredSize(2048, 2048);

            BufferedImage image = ImageIO.read(new ByteArrayInputStream(bomb));

            assertThat(image.getWidth()).isEqualTo(2048);
            assertThat(image.getHeight()).isEqualTo(2048);
            assertThat(image.getRaster().getDataBuffer().getSize()).isEqualTo(2048 * 2048);
        }

        @Test
        @DisplayName("the validator refuses 46000 x 46000 and 15000 x 15000 with frame_too_large naming the pixel limit")
        void validatorRefuses() {
            assertRefused(HostileJpegs.declaredSize(46_000, 46_000), ErrorCode.FRAME_TOO_LARGE,
                    "frame too large: 46000 x 46000 pixels; the limit is 16777216 pixels");
            assertRefused(HostileJpegs.declaredSize(15_000, 15_000), ErrorCode.FRAME_TOO_LARGE,
                    "frame too large: 15000 x 15000 pixels; the limit is 16777216 pixels");
        }

        @Test
        @DisplayName("the validator accepts a frame of exactly the pixel limit and refuses one pixel row more")
        void validatorAcceptsTheLimit() throws FrameRejectedException {
            assertThat(validator.validate(HostileJpegs.declaredSize(4096, 4096)).width()).isEqualTo(4096);
            assertRefused(HostileJpegs.declaredSize(4096, 4097), ErrorCode.FRAME_TOO_LARGE, "frame too large: 4096 x 4097 pixels");
        }

        @Test
        @DisplayName("a zero side is an invalid frame")
        void zeroSide() {
            assertRefused(HostileJpegs.builder().size(0, 64).build(), ErrorCode.INVALID_FRAME, "empty image");
        }
    }

    @Nested
    @DisplayName("scans")
    class Scans {

        @Test
        @DisplayName("the JDK reader makes a pass over the image for every repeat of the same AC scan")
        void jdkReaderPassesOverEveryScan() throws IOException {
            byte[] bomb = HostileJpegs.builder().size(256, 256).progressive(200).build();
            AtomicInteger passes = new AtomicInteger();

            ImageReader reader = jdkReader(bomb);
            try {
                reader.addIIOReadUpdateListener(new PassCounter(passes));
                BufferedImage image = reader.read(0);
                assertThat(image.getWidth()).isEqualTo(256);
            } finally {
                reader.dispose();
            }

            assertThat(passes).hasValue(1 + 200);
        }

        @Test
        @DisplayName("the validator refuses the 25,000-scan bomb with invalid_frame")
        void validatorRefusesTheBomb() {
            byte[] bomb = HostileJpegs.scanBomb();

            assertThat(bomb.length).isLessThan((int) FIVE_MIB);
            assertRefused(bomb, ErrorCode.INVALID_FRAME, "too many scans: more than 32 start-of-scan segments");
        }

        @Test
        @DisplayName("the validator accepts 32 scans (the worst accepted frame: 4096 x 4096, one DC and 31 AC scans) and refuses 33")
        void validatorAcceptsTheCap() throws FrameRejectedException {
            assertThat(validator.validate(HostileJpegs.builder().size(4096, 4096).progressive(31).build()).height())
                    .isEqualTo(4096);
            assertRefused(HostileJpegs.builder().size(4096, 4096).progressive(32).build(), ErrorCode.INVALID_FRAME,
                    "too many scans");
        }
    }

    @Nested
    @DisplayName("components")
    class Components {

        @Test
        @DisplayName("the JDK reader takes a start-of-frame with 10 components (libjpeg's own maximum), then fails unchecked")
        void jdkReaderTakesManyComponents() throws IOException {
            byte[] bomb = HostileJpegs.builder().size(512, 512).components(repeat(0x11, 10)).build();

            ImageReader reader = jdkReader(bomb);
            try {
                assertThat(reader.getWidth(0)).isEqualTo(512);
                // not an IOException: a path the decoder was not built for (an index past its 4 bands, on JDK 17)
                assertThatThrownBy(() -> reader.readRaster(0, null)).isInstanceOf(RuntimeException.class);
            } finally {
                reader.dispose();
            }
        }

        @Test
        @DisplayName("the validator refuses 4 components (CMYK), and sampling factors past 4, with invalid_frame")
        void validatorRefuses() throws FrameRejectedException {
            assertRefused(HostileJpegs.builder().components(repeat(0x11, 4)).build(), ErrorCode.INVALID_FRAME,
                    "declares 4 colour components; 1 to 3 are accepted");
            assertRefused(HostileJpegs.builder().components(0x11, 0xF1).build(), ErrorCode.INVALID_FRAME,
                    "component 2 has sampling factors 15x1");
            assertThat(validator.validate(HostileJpegs.builder().components(0x44, 0x11, 0x11).build()).width())
                    .isEqualTo(64);
        }
    }

    private void assertRefused(byte[] jpeg, ErrorCode code, String detail) {
        assertThatThrownBy(() -> validator.validate(jpeg))
                .isInstanceOfSatisfying(FrameRejectedException.class, e -> {
                    assertThat(e.code()).isEqualTo(code);
                    assertThat(e.getMessage()).contains(detail);
                });
    }

    private static int[] repeat(int samplingFactors, int count) {
        int[] factors = new int[count];
        java.util.Arrays.fill(factors, samplingFactors);
        return factors;
    }

    /** The JDK's own JPEG reader, on the bytes. */
    private static ImageReader jdkReader(byte[] jpeg) throws IOException {
        ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(jpeg));
        for (var readers = ImageIO.getImageReadersByFormatName("jpeg"); readers.hasNext(); ) {
            ImageReader reader = readers.next();
            if (reader.getClass().getName().startsWith("com.sun.imageio")) {
                reader.setInput(in);
                return reader;
            }
        }
        throw new IllegalStateException("the JDK's JPEG reader is missing");
    }

    /** Counts the decoder's passes over the image (one per scan of a progressive JPEG). */
    private record PassCounter(AtomicInteger passes) implements IIOReadUpdateListener {
        @Override
        public void passStarted(ImageReader source, BufferedImage image, int pass, int minPass, int maxPass,
                                int minX, int minY, int periodX, int periodY, int[] bands) {
            passes.incrementAndGet();
        }

        @Override
        public void imageUpdate(ImageReader source, BufferedImage image, int minX, int minY, int width, int height,
                                int periodX, int periodY, int[] bands) {
        }

        @Override
        public void passComplete(ImageReader source, BufferedImage image) {
        }

        @Override
        public void thumbnailPassStarted(ImageReader source, BufferedImage thumbnail, int pass, int minPass, int maxPass,
                                         int minX, int minY, int periodX, int periodY, int[] bands) {
        }

        @Override
        public void thumbnailUpdate(ImageReader source, BufferedImage thumbnail, int minX, int minY, int width, int height,
                                    int periodX, int periodY, int[] bands) {
        }

        @Override
        public void thumbnailPassComplete(ImageReader source, BufferedImage thumbnail) {
        }
    }
}
