package io.streaminfer.tck;

import io.streaminfer.core.ErrorCode;
import io.streaminfer.core.FrameInfo;
import io.streaminfer.core.FrameRejectedException;
import io.streaminfer.core.FrameValidator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The contract of a {@link FrameValidator} for JPEG frames. Subclass it, return your
 * validator from {@link #validator(long)} (with the default pixel limit,
 * {@link FrameValidator#DEFAULT_MAX_FRAME_PIXELS}), and run it with JUnit 5.
 */
public abstract class FrameValidatorCompatibilityKit {

    /** The size limit the kit configures, in bytes. */
    protected static final int LIMIT = 1_048_576;

    /**
     * @param maxBytes the largest frame to accept
     * @return the validator under test
     */
    protected abstract FrameValidator validator(long maxBytes);

    @Test
    @DisplayName("every real sample JPEG is accepted with its width and height")
    void acceptsRealJpegs() throws FrameRejectedException {
        FrameValidator validator = validator(LIMIT);
        for (Map.Entry<String, int[]> sample : SampleFrames.realJpegSizes().entrySet()) {
            byte[] jpeg = SampleFrames.load(sample.getKey());

            FrameInfo info = validator.validate(jpeg);

            assertThat(info.width()).as(sample.getKey()).isEqualTo(sample.getValue()[0]);
            assertThat(info.height()).as(sample.getKey()).isEqualTo(sample.getValue()[1]);
            assertThat(info.sizeBytes()).as(sample.getKey()).isEqualTo(jpeg.length);
        }
    }

    @Test
    @DisplayName("a truncated JPEG is an invalid frame")
    void rejectsTruncatedJpeg() {
        assertRejected(SampleFrames.truncated(), ErrorCode.INVALID_FRAME);
    }

    @Test
    @DisplayName("an empty message is an invalid frame")
    void rejectsEmptyMessage() {
        assertRejected(new byte[0], ErrorCode.INVALID_FRAME);
    }

    @Test
    @DisplayName("random bytes are an invalid frame")
    void rejectsGarbage() {
        assertRejected(SampleFrames.garbage(4096), ErrorCode.INVALID_FRAME);
    }

    @Test
    @DisplayName("a JPEG cut in the middle of its image data but ending in FF D9 is an invalid frame")
    void rejectsJpegCutInsideItsHeaders() {
        byte[] jpeg = SampleFrames.coffee();
        byte[] cut = Arrays.copyOf(jpeg, 300);
        cut[298] = (byte) 0xFF;
        cut[299] = (byte) 0xD9;

        assertRejected(cut, ErrorCode.INVALID_FRAME);
    }

    @Test
    @DisplayName("a frame of exactly the limit is accepted")
    void acceptsFrameOfExactlyTheLimit() throws FrameRejectedException {
        byte[] frame = SampleFrames.paddedTo(SampleFrames.coffee(), LIMIT);

        assertThat(validator(LIMIT).validate(frame).sizeBytes()).isEqualTo(LIMIT);
    }

    @Test
    @DisplayName("a frame one byte over the limit is too large")
    void rejectsFrameOneByteOverTheLimit() {
        byte[] frame = SampleFrames.paddedTo(SampleFrames.coffee(), LIMIT + 1);

        assertThatThrownBy(() -> validator(LIMIT).validate(frame))
                .isInstanceOfSatisfying(FrameRejectedException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE));
    }

    @Test
    @DisplayName("the size limit's detail starts with \"frame too large\" (the original web client shows it)")
    void sizeLimitDetail() {
        byte[] frame = SampleFrames.paddedTo(SampleFrames.coffee(), LIMIT + 1);

        assertRejected(frame, ErrorCode.FRAME_TOO_LARGE, "frame too large");
    }

    @Test
    @DisplayName("152 bytes declaring 46000 x 46000 pixels are frame_too_large, and the detail names the pixel limit")
    void rejectsDeclaredSizeBomb() {
        byte[] bomb = HostileJpegs.declaredSize(HostileJpegs.HUGE_SIDE, HostileJpegs.HUGE_SIDE);

        assertThatThrownBy(() -> validator(LIMIT).validate(bomb))
                .isInstanceOfSatisfying(FrameRejectedException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
                    assertThat(e.getMessage()).startsWith("frame too large").contains(
                            Long.toString(FrameValidator.DEFAULT_MAX_FRAME_PIXELS));
                });
    }

    @Test
    @DisplayName("a frame of exactly the default pixel limit (4096 x 4096) is accepted")
    void acceptsDefaultPixelLimit() throws FrameRejectedException {
        FrameInfo info = validator(LIMIT).validate(HostileJpegs.declaredSize(4096, 4096));

        assertThat(info.width()).isEqualTo(4096);
        assertThat(info.height()).isEqualTo(4096);
    }

    @Test
    @DisplayName("a progressive JPEG repeating the same scan 25,000 times is an invalid frame")
    void rejectsScanBomb() {
        assertRejected(HostileJpegs.scanBomb(), ErrorCode.INVALID_FRAME, "scans");
    }

    @Test
    @DisplayName("a JPEG of four colour components (CMYK) is an invalid frame")
    void rejectsTooManyComponents() {
        assertRejected(HostileJpegs.builder().components(0x11, 0x11, 0x11, 0x11).build(), ErrorCode.INVALID_FRAME,
                "components");
    }

    @Test
    @DisplayName("rejection details are sentences, not stack traces or class names")
    void rejectionDetailsAreForHumans() {
        assertThatThrownBy(() -> validator(LIMIT).validate(SampleFrames.truncated()))
                .isInstanceOfSatisfying(FrameRejectedException.class, e -> {
                    assertThat(e.getMessage()).isNotBlank().doesNotContain("Exception", "\tat ", ".java");
                });
    }

    @Test
    @DisplayName("validation never modifies the frame")
    void doesNotModifyTheFrame() throws FrameRejectedException {
        byte[] jpeg = SampleFrames.astronaut();
        byte[] copy = jpeg.clone();

        validator(LIMIT).validate(jpeg);

        assertThat(jpeg).isEqualTo(copy);
    }

    private void assertRejected(byte[] data, ErrorCode code, String detailPart) {
        assertThatThrownBy(() -> validator(LIMIT).validate(data))
                .isInstanceOfSatisfying(FrameRejectedException.class, e -> {
                    assertThat(e.code()).isEqualTo(code);
                    assertThat(e.getMessage()).contains(detailPart).doesNotContain("Exception", ".java");
                });
    }

    private void assertRejected(byte[] data, ErrorCode code) {
        assertThatThrownBy(() -> validator(LIMIT).validate(data))
                .isInstanceOfSatisfying(FrameRejectedException.class, e -> assertThat(e.code()).isEqualTo(code));
    }
}
