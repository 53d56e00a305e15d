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
    void rejectsSillyLimits() {
        assertThatThrownBy(() -> FrameValidator.jpeg(0)).isInstanceOf(IllegalArgumentException.class);
    }

    private void assertRejected(byte[] data, ErrorCode code, String detailPart) {
        assertThatThrownBy(() -> validator.validate(data))
                .isInstanceOfSatisfying(FrameRejectedException.class, e -> {
                    assertThat(e.code()).isEqualTo(code);
                    assertThat(e.getMessage()).contains(detailPart);
                });
    }
}
