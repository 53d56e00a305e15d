package io.streaminfer.core;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** Properties of the JPEG validator over arbitrary bytes and mutated real frames: a verdict, never a crash. */
class JpegValidatorPropertiesTest {

    private static final int LIMIT = 1 << 20;
    private static final byte[] REAL = TestJpegs.orange64x48();
    private final FrameValidator validator = FrameValidator.jpeg(LIMIT);

    /** Validates, and fails the property on anything but a verdict. */
    private ErrorCode verdict(byte[] data) {
        try {
            FrameInfo info = validator.validate(data);
            assertThat(info.sizeBytes()).isEqualTo(data.length);
            return null;
        } catch (FrameRejectedException e) {
            assertThat(e.getMessage()).isNotBlank();
            return e.code();
        }
    }

    @Property(tries = 2000)
    @Label("arbitrary bytes are rejected as invalid frames, never with another exception")
    void arbitraryBytes(@ForAll @Size(max = 4096) byte[] data) {
        ErrorCode code = verdict(data);

        // accepted only if it is structurally a JPEG: SOI first, EOI last
        if (code == null) {
            assertThat(data[0]).isEqualTo((byte) 0xFF);
            assertThat(data[1]).isEqualTo((byte) 0xD8);
            assertThat(data[data.length - 1]).isEqualTo((byte) 0xD9);
        } else {
            assertThat(code).isEqualTo(ErrorCode.INVALID_FRAME);
        }
    }

    @Property(tries = 2000)
    @Label("arbitrary bytes between a real SOI and EOI are a verdict, never a crash")
    void arbitraryBodies(@ForAll @Size(max = 2048) byte[] body) {
        byte[] data = new byte[body.length + 4];
        data[0] = (byte) 0xFF;
        data[1] = (byte) 0xD8;
        System.arraycopy(body, 0, data, 2, body.length);
        data[data.length - 2] = (byte) 0xFF;
        data[data.length - 1] = (byte) 0xD9;

        ErrorCode code = verdict(data);

        // frame_too_large when the bytes happen to hold a start-of-frame past the pixel limit
        assertThat(code).isIn(null, ErrorCode.INVALID_FRAME, ErrorCode.FRAME_TOO_LARGE);
    }

    @Property(tries = 1000)
    @Label("a real frame cut anywhere is rejected as an invalid frame")
    void truncations(@ForAll("cuts") int length) {
        assertThat(verdict(Arrays.copyOf(REAL, length))).isEqualTo(ErrorCode.INVALID_FRAME);
    }

    @Property(tries = 2000)
    @Label("bit flips in a real frame give a verdict: accepted, invalid_frame, or frame_too_large")
    void bitFlips(@ForAll("positions") int position, @ForAll("bits") int bit) {
        byte[] data = REAL.clone();
        data[position] ^= (byte) (1 << bit);

        // frame_too_large when a flip turns another segment into a start-of-frame (FF C4 into FF C0)
        assertThat(verdict(data)).isIn(null, ErrorCode.INVALID_FRAME, ErrorCode.FRAME_TOO_LARGE);
    }

    @Property(tries = 1000)
    @Label("segments inserted into a real frame give a verdict: accepted, invalid_frame, or frame_too_large")
    void insertedSegments(@ForAll("positions") int position, @ForAll @Size(max = 300) byte[] segment) {
        byte[] data = new byte[REAL.length + segment.length];
        System.arraycopy(REAL, 0, data, 0, position);
        System.arraycopy(segment, 0, data, position, segment.length);
        System.arraycopy(REAL, position, data, position + segment.length, REAL.length - position);

        assertThat(verdict(data)).isIn(null, ErrorCode.INVALID_FRAME, ErrorCode.FRAME_TOO_LARGE);
    }

    @Property(tries = 1000)
    @Label("a declared size is accepted exactly when width x height is within the pixel limit")
    void declaredSizes(@ForAll("sides") int width, @ForAll("sides") int height, @ForAll("pixelLimits") long limit) {
        byte[] data = TestJpegs.withStartOfFrame(REAL, width, height, 0x22, 0x11, 0x11);

        ErrorCode code;
        try {
            FrameInfo info = FrameValidator.jpeg(LIMIT, limit).validate(data);
            assertThat(info).isEqualTo(new FrameInfo(width, height, data.length));
            code = null;
        } catch (FrameRejectedException e) {
            assertThat(e.getMessage()).startsWith("frame too large: " + width + " x " + height + " pixels");
            code = e.code();
        }

        assertThat(code).isEqualTo((long) width * height <= limit ? null : ErrorCode.FRAME_TOO_LARGE);
    }

    @Property(tries = 200)
    @Label("a frame is accepted exactly when it has at most 64 scans")
    void scanCounts(@ForAll("extraScans") int extra) {
        ErrorCode code = verdict(TestJpegs.withExtraScans(REAL, extra));

        assertThat(code).isEqualTo(1 + extra <= FrameValidator.MAX_SCANS ? null : ErrorCode.INVALID_FRAME);
    }

    @Property(tries = 1000)
    @Label("components are accepted exactly when there are 1 to 4 with sampling factors 1..4")
    void components(@ForAll @Size(max = 12) java.util.List<@net.jqwik.api.constraints.IntRange(max = 255) Integer> sampling) {
        int[] factors = sampling.stream().mapToInt(Integer::intValue).toArray();
        boolean allowed = factors.length >= 1 && factors.length <= FrameValidator.MAX_COMPONENTS
                && sampling.stream().allMatch(f -> (f >> 4) >= 1 && (f >> 4) <= 4 && (f & 15) >= 1 && (f & 15) <= 4);

        ErrorCode code = verdict(TestJpegs.withStartOfFrame(REAL, 64, 48, factors));

        assertThat(code).isEqualTo(allowed ? null : ErrorCode.INVALID_FRAME);
    }

    @Provide
    Arbitrary<Integer> sides() {
        return Arbitraries.integers().between(1, 65_535).edgeCases(c -> c.add(4096, 4097));
    }

    @Provide
    Arbitrary<Long> pixelLimits() {
        return Arbitraries.longs().between(1, 1L << 32).edgeCases(c -> c.add(FrameValidator.DEFAULT_MAX_FRAME_PIXELS));
    }

    @Provide
    Arbitrary<Integer> extraScans() {
        return Arbitraries.integers().between(0, 3 * FrameValidator.MAX_SCANS)
                .edgeCases(c -> c.add(FrameValidator.MAX_SCANS - 1, FrameValidator.MAX_SCANS));
    }

    @Property(tries = 500)
    @Label("a start-of-image marker planted at any offset of the scan data is found (the scan reads eight bytes at a time)")
    void markerInScanData(@ForAll("scanPositions") int position) {
        byte[] data = REAL.clone();
        data[position] = (byte) 0xFF;
        data[position + 1] = (byte) 0xD8;

        assertThat(verdict(data)).isEqualTo(ErrorCode.INVALID_FRAME);
    }

    @Provide
    Arbitrary<Integer> scanPositions() {
        int scanData = TestJpegs.markerOffset(REAL, 0xDA) + 2 + (((REAL[TestJpegs.markerOffset(REAL, 0xDA) + 2] & 0xFF) << 8)
                | (REAL[TestJpegs.markerOffset(REAL, 0xDA) + 3] & 0xFF));
        return Arbitraries.integers().between(scanData, REAL.length - 4);
    }

    @Provide
    Arbitrary<Integer> cuts() {
        return Arbitraries.integers().between(0, REAL.length - 1);
    }

    @Provide
    Arbitrary<Integer> positions() {
        return Arbitraries.integers().between(2, REAL.length - 3);
    }

    @Provide
    Arbitrary<Integer> bits() {
        return Arbitraries.integers().between(0, 7);
    }
}
