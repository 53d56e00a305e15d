package io.streaminfer.core;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JpegFrameValidatorTest {

    private static final int LIMIT = 100_000;
    private final FrameValidator validator = FrameValidator.jpeg(LIMIT);
    private final byte[] jpeg = TestJpegs.orange64x48();

    @Test
    @DisplayName("a real JPEG passes and its size comes from the start-of-frame segment")
    void readsSizeFromHeader() throws FrameRejectedException {
        FrameInfo info = validator.validate(jpeg);

        assertThat(info).isEqualTo(new FrameInfo(64, 48, jpeg.length));
    }

    @Test
    void rejectsEmptyFrame() {
        assertRejected(new byte[0], ErrorCode.INVALID_FRAME, "empty");
    }

    @Test
    void rejectsDataWithoutStartOfImage() {
        byte[] data = TestJpegs.copy(jpeg);
        data[1] = 0x00;

        assertRejected(data, ErrorCode.INVALID_FRAME, "FF D8");
    }

    @Test
    void rejectsDataWithoutEndOfImage() {
        byte[] data = Arrays.copyOf(jpeg, jpeg.length - 100);

        assertRejected(data, ErrorCode.INVALID_FRAME, "FF D9");
    }

    @Test
    void rejectsTextBytes() {
        assertRejected("hello, this is not a picture".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                ErrorCode.INVALID_FRAME, "not a JPEG");
    }

    @Test
    @DisplayName("a segment whose length runs past the end is broken structure")
    void rejectsSegmentRunningPastTheEnd() {
        byte[] data = TestJpegs.copy(jpeg);
        int app0 = 2; // ImageIO writes APP0 (JFIF) right after SOI
        data[app0 + 2] = (byte) 0xFF;
        data[app0 + 3] = (byte) 0xF0;

        assertRejected(data, ErrorCode.INVALID_FRAME, "declares 65520 bytes");
    }

    @Test
    @DisplayName("a start-of-scan before any start-of-frame is broken structure")
    void rejectsScanBeforeFrame() {
        byte[] data = TestJpegs.copy(jpeg);
        int sof = TestJpegs.markerOffset(data, 0xC0);
        data[sof + 1] = (byte) 0xFE; // the start-of-frame becomes a comment

        assertRejected(data, ErrorCode.INVALID_FRAME, "before any start-of-frame");
    }

    @Test
    void rejectsZeroWidth() {
        byte[] data = TestJpegs.copy(jpeg);
        int sof = TestJpegs.markerOffset(data, 0xC0);
        data[sof + 7] = 0;
        data[sof + 8] = 0;

        assertRejected(data, ErrorCode.INVALID_FRAME, "empty image");
    }

    @Test
    void rejectsHeadersWithoutImageData() {
        int sos = TestJpegs.markerOffset(jpeg, 0xDA);
        byte[] data = Arrays.copyOf(jpeg, sos + 2);
        data[sos] = (byte) 0xFF;
        data[sos + 1] = (byte) 0xD9;

        assertRejected(data, ErrorCode.INVALID_FRAME, "no image data");
    }

    @Test
    @DisplayName("the size limit is inclusive (padded frames around the limit are covered by FrameValidatorCompatibilityKit)")
    void appliesTheLimitInclusively() throws FrameRejectedException {
        assertThat(FrameValidator.jpeg(jpeg.length).validate(jpeg).sizeBytes()).isEqualTo(jpeg.length);
        assertThatThrownBy(() -> FrameValidator.jpeg(jpeg.length - 1).validate(jpeg))
                .isInstanceOfSatisfying(FrameRejectedException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE));
    }

    @Test
    @DisplayName("the size limit's detail starts with \"frame too large\" and names the limit in bytes")
    void sizeLimitDetail() {
        assertThatThrownBy(() -> FrameValidator.jpeg(jpeg.length - 1).validate(jpeg))
                .isInstanceOfSatisfying(FrameRejectedException.class, e -> assertThat(e.getMessage())
                        .isEqualTo("frame too large: " + jpeg.length + " bytes; the limit is " + (jpeg.length - 1) + " bytes"));
    }

    @Test
    @DisplayName("a start-of-frame declaring 46000 x 46000 pixels is frame_too_large, from the header alone")
    void rejectsDeclaredSizeOverTheDefaultPixelLimit() {
        byte[] bomb = TestJpegs.withStartOfFrame(jpeg, 46_000, 46_000, 0x22, 0x11, 0x11);

        assertThatThrownBy(() -> validator.validate(bomb))
                .isInstanceOfSatisfying(FrameRejectedException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
                    assertThat(e.getMessage()).isEqualTo("frame too large: 46000 x 46000 pixels; the limit is 16777216 pixels");
                });
    }

    @Test
    @DisplayName("the default pixel limit is 4096 x 4096, inclusive")
    void defaultPixelLimit() throws FrameRejectedException {
        assertThat(validator.validate(TestJpegs.withStartOfFrame(jpeg, 4096, 4096, 0x22, 0x11, 0x11)).width()).isEqualTo(4096);
        assertRejected(TestJpegs.withStartOfFrame(jpeg, 4097, 4096, 0x22, 0x11, 0x11), ErrorCode.FRAME_TOO_LARGE,
                "4097 x 4096 pixels");
        assertRejected(TestJpegs.withStartOfFrame(jpeg, 65_535, 257, 0x22, 0x11, 0x11), ErrorCode.FRAME_TOO_LARGE,
                "the limit is " + FrameValidator.DEFAULT_MAX_FRAME_PIXELS + " pixels");
    }

    @Test
    @DisplayName("the pixel limit is inclusive and configurable")
    void appliesThePixelLimitInclusively() throws FrameRejectedException {
        assertThat(FrameValidator.jpeg(LIMIT, 64 * 48).validate(jpeg)).isEqualTo(new FrameInfo(64, 48, jpeg.length));
        assertThatThrownBy(() -> FrameValidator.jpeg(LIMIT, 64 * 48 - 1).validate(jpeg))
                .isInstanceOfSatisfying(FrameRejectedException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
                    assertThat(e.getMessage()).isEqualTo("frame too large: 64 x 48 pixels; the limit is 3071 pixels");
                });
    }

    @Test
    @DisplayName("a zero height is an empty image (the height-from-DNL form is not supported)")
    void rejectsZeroHeight() {
        assertRejected(TestJpegs.withStartOfFrame(jpeg, 64, 0, 0x22, 0x11, 0x11), ErrorCode.INVALID_FRAME, "empty image (64x0)");
    }

    @Test
    @DisplayName("up to 32 scans are accepted, a 33rd is invalid_frame")
    void capsTheScans() throws FrameRejectedException {
        assertThat(validator.validate(TestJpegs.withExtraScans(jpeg, FrameValidator.MAX_SCANS - 1)).width()).isEqualTo(64);

        assertRejected(TestJpegs.withExtraScans(jpeg, FrameValidator.MAX_SCANS), ErrorCode.INVALID_FRAME,
                "too many scans: more than 32");
    }

    @Test
    @DisplayName("1 to 3 components are accepted; 0 or 4 (CMYK) are invalid_frame")
    void capsTheComponents() throws FrameRejectedException {
        assertThat(validator.validate(TestJpegs.withStartOfFrame(jpeg, 64, 48, 0x11)).width()).isEqualTo(64);
        assertThat(validator.validate(TestJpegs.withStartOfFrame(jpeg, 64, 48, 0x11, 0x11, 0x11)).width()).isEqualTo(64);

        assertRejected(TestJpegs.withStartOfFrame(jpeg, 64, 48, 0x11, 0x11, 0x11, 0x11), ErrorCode.INVALID_FRAME,
                "declares 4 colour components; 1 to 3 are accepted");
        assertRejected(TestJpegs.withStartOfFrame(jpeg, 64, 48), ErrorCode.INVALID_FRAME, "declares 0 colour components");
    }

    @Test
    @DisplayName("sampling factors outside 1..4 are invalid_frame")
    void checksSamplingFactors() throws FrameRejectedException {
        assertThat(validator.validate(TestJpegs.withStartOfFrame(jpeg, 64, 48, 0x44, 0x11, 0x11)).width()).isEqualTo(64);

        assertRejected(TestJpegs.withStartOfFrame(jpeg, 64, 48, 0x22, 0x51, 0x11), ErrorCode.INVALID_FRAME,
                "component 2 has sampling factors 5x1");
        assertRejected(TestJpegs.withStartOfFrame(jpeg, 64, 48, 0x20, 0x11, 0x11), ErrorCode.INVALID_FRAME,
                "component 1 has sampling factors 2x0");
    }

    @Test
    @DisplayName("a start-of-frame whose length does not match its component count is broken structure")
    void checksStartOfFrameLength() {
        byte[] data = TestJpegs.copy(jpeg);
        int sof = TestJpegs.markerOffset(data, 0xC0);
        data[sof + 9] = 2; // three components are listed

        assertRejected(data, ErrorCode.INVALID_FRAME, "17 bytes long for 2 components");
    }

    @Test
    @DisplayName("a second start-of-frame is broken structure")
    void rejectsSecondStartOfFrame() {
        assertRejected(TestJpegs.withSecondStartOfFrame(jpeg), ErrorCode.INVALID_FRAME, "a second start-of-frame");
    }

    @Test
    void rejectsSillyLimits() {
        assertThatThrownBy(() -> FrameValidator.jpeg(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FrameValidator.jpeg(LIMIT, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private void assertRejected(byte[] data, ErrorCode code, String detailPart) {
        assertThatThrownBy(() -> validator.validate(data))
                .isInstanceOfSatisfying(FrameRejectedException.class, e -> {
                    assertThat(e.code()).isEqualTo(code);
                    assertThat(e.getMessage()).contains(detailPart);
                });
    }
}
