package io.streaminfer.core.internal;

import io.streaminfer.core.ErrorCode;
import io.streaminfer.core.FrameInfo;
import io.streaminfer.core.FrameRejectedException;
import io.streaminfer.core.FrameValidator;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Checks a JPEG's structure without decoding it: SOI first, EOI last, and every marker
 * segment in between with a length that stays inside the data, one start-of-frame before the
 * first start-of-scan, and at least one scan. Width and height come from the start-of-frame.
 * Entropy-coded data is skipped by looking for the next real marker (RST markers and stuffed
 * {@code FF 00} bytes belong to the scan).
 *
 * <p>What a decoder spends is set by the headers, not by the size of the data: 156 bytes can
 * declare 46,000 x 46,000 pixels, and a megabyte can hold 25,000 scans, each a pass over the
 * whole image. So the start-of-frame is checked against the pixel limit and against
 * {@link FrameValidator#MAX_COMPONENTS} components with sampling factors 1..4, and the scans
 * are counted up to {@link FrameValidator#MAX_SCANS}, all during the one walk over the segments.
 */
public final class JpegStructureValidator implements FrameValidator {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int MARKER = 0xFF;
    private static final int SOI = 0xD8;
    private static final int EOI = 0xD9;
    private static final int SOS = 0xDA;
    private static final int TEM = 0x01;
    private static final int RST0 = 0xD0;
    private static final int RST7 = 0xD7;

    private static final int MAX_SAMPLING_FACTOR = 4;

    private final long maxBytes;
    private final long maxPixels;

    /**
     * @param maxBytes  the largest accepted frame; a frame of exactly this size is accepted
     * @param maxPixels the most pixels a frame may declare; exactly this many is accepted
     */
    public JpegStructureValidator(long maxBytes, long maxPixels) {
        if (maxBytes < 4) {
            throw new IllegalArgumentException("maxBytes must be at least 4, got " + maxBytes);
        }
        if (maxPixels < 1) {
            throw new IllegalArgumentException("maxPixels must be at least 1, got " + maxPixels);
        }
        this.maxBytes = maxBytes;
        this.maxPixels = maxPixels;
    }

    @Override
    public FrameInfo validate(byte[] data) throws FrameRejectedException {
        int n = data.length;
        if (n == 0) {
            throw invalid("empty frame: send one JPEG image per binary message");
        }
        if (n > maxBytes) {
            throw new FrameRejectedException(ErrorCode.FRAME_TOO_LARGE,
                    "frame too large: " + n + " bytes; the limit is " + maxBytes + " bytes");
        }
        if (n < 4 || u(data, 0) != MARKER || u(data, 1) != SOI) {
            throw invalid("not a JPEG: it does not start with the start-of-image marker FF D8");
        }
        if (u(data, n - 2) != MARKER || u(data, n - 1) != EOI) {
            throw invalid("not a JPEG: it does not end with the end-of-image marker FF D9 (truncated?)");
        }
        return walkSegments(data);
    }

    private FrameInfo walkSegments(byte[] data) throws FrameRejectedException {
        int n = data.length;
        int pos = 2;
        int width = 0;
        int height = 0;
        int scans = 0;
        while (true) {
            if (pos >= n || u(data, pos) != MARKER) {
                throw invalid("broken JPEG structure: expected a marker at byte " + pos);
            }
            while (pos < n && u(data, pos) == MARKER) {
                pos++; // fill bytes before a marker are allowed
            }
            if (pos >= n) {
                throw invalid("broken JPEG structure: the data ends inside a marker");
            }
            int marker = u(data, pos);
            int markerAt = pos - 1;
            pos++;
            if (marker == EOI) {
                if (scans == 0) {
                    throw invalid("broken JPEG structure: no image data (no start-of-scan before the end-of-image marker)");
                }
                return new FrameInfo(width, height, n);
            }
            if (marker == SOI || marker == 0x00) {
                throw invalid(String.format("broken JPEG structure: unexpected marker FF %02X at byte %d", marker, markerAt));
            }
            if (marker == TEM || (marker >= RST0 && marker <= RST7)) {
                continue; // markers without a length
            }
            if (pos + 2 > n) {
                throw invalid(String.format("broken JPEG structure: segment FF %02X at byte %d has no length", marker, markerAt));
            }
            int length = u16(data, pos);
            if (length < 2 || pos + length > n) {
                throw invalid(String.format(
                        "broken JPEG structure: segment FF %02X at byte %d declares %d bytes but only %d remain",
                        marker, markerAt, length, n - pos));
            }
            if (isStartOfFrame(marker)) {
                if (width != 0) {
                    throw invalid("broken JPEG structure: a second start-of-frame at byte " + markerAt
                            + " (a frame has one image)");
                }
                checkStartOfFrame(data, pos, length, markerAt);
                height = u16(data, pos + 3);
                width = u16(data, pos + 5);
            }
            pos += length;
            if (marker == SOS) {
                if (width == 0) {
                    throw invalid("broken JPEG structure: start-of-scan at byte " + markerAt + " comes before any start-of-frame");
                }
                if (++scans > MAX_SCANS) {
                    throw invalid("too many scans: more than " + MAX_SCANS + " start-of-scan segments"
                            + " (each is a pass over the whole image; a progressive JPEG has about 10)");
                }
                pos = skipEntropyCodedData(data, pos);
            }
        }
    }

    /**
     * Checks what the start-of-frame at {@code pos} (its length field) asks of a decoder: its
     * pixels, components and sampling factors.
     */
    private void checkStartOfFrame(byte[] data, int pos, int length, int markerAt) throws FrameRejectedException {
        if (length < 8) {
            throw invalid(String.format("broken JPEG structure: start-of-frame at byte %d is too short", markerAt));
        }
        int height = u16(data, pos + 3);
        int width = u16(data, pos + 5);
        if (width == 0 || height == 0) {
            throw invalid("broken JPEG structure: the start-of-frame declares an empty image ("
                    + width + "x" + height + ")");
        }
        if ((long) width * height > maxPixels) {
            throw new FrameRejectedException(ErrorCode.FRAME_TOO_LARGE, "frame too large: " + width + " x " + height
                    + " pixels; the limit is " + maxPixels + " pixels");
        }
        int components = u(data, pos + 7);
        if (components == 0 || components > MAX_COMPONENTS) {
            throw invalid("unsupported JPEG: the start-of-frame declares " + components
                    + " colour components; 1 to " + MAX_COMPONENTS + " are accepted");
        }
        if (length != 8 + 3 * components) {
            throw invalid(String.format("broken JPEG structure: start-of-frame at byte %d is %d bytes long for %d components",
                    markerAt, length, components));
        }
        for (int c = 0, at = pos + 9; c < components; c++, at += 3) {
            int horizontal = u(data, at) >> 4;
            int vertical = u(data, at) & 0x0F;
            if (horizontal < 1 || horizontal > MAX_SAMPLING_FACTOR || vertical < 1 || vertical > MAX_SAMPLING_FACTOR) {
                throw invalid("broken JPEG structure: component " + (c + 1) + " has sampling factors "
                        + horizontal + "x" + vertical + "; each must be 1 to " + MAX_SAMPLING_FACTOR);
            }
        }
    }

    /** Returns the position of the marker that ends the scan starting at {@code pos}. */
    private static int skipEntropyCodedData(byte[] data, int pos) {
        int last = data.length - 1;
        while (pos < last) {
            if (data[pos] != (byte) MARKER) {
                pos = nextFF(data, pos + 1, last);
                continue;
            }
            int next = u(data, pos + 1);
            if (next == 0x00 || (next >= RST0 && next <= RST7)) {
                pos += 2; // stuffed byte or restart marker: still inside the scan
            } else if (next == MARKER) {
                pos++; // fill byte; the marker follows
            } else {
                return pos;
            }
        }
        return pos;
    }

    /**
     * The first position at or after {@code from} (and before {@code end}) holding 0xFF, or
     * {@code end}. Scan data is most of a frame and 0xFF is rare in it (it is always stuffed),
     * so this tests eight bytes at a time: a byte is 0xFF exactly when its complement is zero.
     */
    private static int nextFF(byte[] data, int from, int end) {
        int pos = from;
        while (pos + Long.BYTES <= end) {
            long inverted = ~(long) LONGS.get(data, pos);
            if (((inverted - 0x0101010101010101L) & ~inverted & 0x8080808080808080L) != 0) {
                break; // one of these eight is 0xFF: find it byte by byte
            }
            pos += Long.BYTES;
        }
        while (pos < end && data[pos] != (byte) MARKER) {
            pos++;
        }
        return pos;
    }

    private static boolean isStartOfFrame(int marker) {
        return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    }

    private static int u(byte[] data, int pos) {
        return data[pos] & 0xFF;
    }

    private static int u16(byte[] data, int pos) {
        return (u(data, pos) << 8) | u(data, pos + 1);
    }

    private static FrameRejectedException invalid(String detail) {
        return new FrameRejectedException(ErrorCode.INVALID_FRAME, detail);
    }
}
