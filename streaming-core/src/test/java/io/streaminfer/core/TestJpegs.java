package io.streaminfer.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

/** Test data: a real JPEG and byte-level edits of it. */
final class TestJpegs {

    private TestJpegs() {
    }

    /**
     * A real 64x48 baseline JPEG (an orange frame with a blue ellipse), written by the JDK's
     * ImageIO encoder at its default quality and stored as a test resource.
     */
    static byte[] orange64x48() {
        try (InputStream in = TestJpegs.class.getResourceAsStream("orange-64x48.jpg")) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code jpeg} padded to at least {@code bytes} with comment (COM) segments right after SOI:
     * still a valid JPEG, as large as a camera frame.
     */
    static byte[] paddedTo(byte[] jpeg, int bytes) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(bytes + jpeg.length);
        out.write(jpeg, 0, 2);
        int padded = jpeg.length;
        byte[] body = new byte[65_533];
        while (padded < bytes) {
            out.write(0xFF);
            out.write(0xFE);
            out.write(0xFF);
            out.write(0xFF); // length 65535: the two length bytes and 65,533 of comment
            out.write(body, 0, body.length);
            padded += 65_537;
        }
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    /** Index of the first occurrence of marker FF {@code marker} found by walking segments. */
    static int markerOffset(byte[] jpeg, int marker) {
        int pos = 2;
        while (pos + 4 <= jpeg.length) {
            int m = jpeg[pos + 1] & 0xFF;
            if (m == marker) {
                return pos;
            }
            int length = ((jpeg[pos + 2] & 0xFF) << 8) | (jpeg[pos + 3] & 0xFF);
            pos += 2 + length;
        }
        throw new IllegalArgumentException("marker not found: " + Integer.toHexString(marker));
    }

    /**
     * {@code jpeg} with its start-of-frame replaced by one declaring this size and these
     * components, each given as its sampling factors byte ({@code 0x11} is 1x1, {@code 0x22} 2x2).
     */
    static byte[] withStartOfFrame(byte[] jpeg, int width, int height, int... samplingFactors) {
        int sof = markerOffset(jpeg, 0xC0);
        int oldLength = 2 + u16(jpeg, sof + 2);
        byte[] segment = new byte[2 + 8 + 3 * samplingFactors.length];
        segment[0] = (byte) 0xFF;
        segment[1] = (byte) 0xC0;
        putU16(segment, 2, segment.length - 2);
        segment[4] = 8; // precision
        putU16(segment, 5, height);
        putU16(segment, 7, width);
        segment[9] = (byte) samplingFactors.length;
        for (int c = 0; c < samplingFactors.length; c++) {
            segment[10 + 3 * c] = (byte) (c + 1);
            segment[11 + 3 * c] = (byte) samplingFactors[c];
        }
        return replace(jpeg, sof, oldLength, segment);
    }

    /** {@code jpeg} with {@code extra} more copies of its (first) scan, header and data, before its end. */
    static byte[] withExtraScans(byte[] jpeg, int extra) {
        int sos = markerOffset(jpeg, 0xDA);
        int scanLength = jpeg.length - 2 - sos; // up to the end-of-image marker
        byte[] scans = new byte[scanLength * extra];
        for (int i = 0; i < extra; i++) {
            System.arraycopy(jpeg, sos, scans, i * scanLength, scanLength);
        }
        return replace(jpeg, jpeg.length - 2, 0, scans);
    }

    /** {@code jpeg} with a copy of its start-of-frame right after the first one. */
    static byte[] withSecondStartOfFrame(byte[] jpeg) {
        int sof = markerOffset(jpeg, 0xC0);
        int length = 2 + u16(jpeg, sof + 2);
        return replace(jpeg, sof + length, 0, Arrays.copyOfRange(jpeg, sof, sof + length));
    }

    private static byte[] replace(byte[] data, int at, int removed, byte[] inserted) {
        byte[] result = new byte[data.length - removed + inserted.length];
        System.arraycopy(data, 0, result, 0, at);
        System.arraycopy(inserted, 0, result, at, inserted.length);
        System.arraycopy(data, at + removed, result, at + inserted.length, data.length - at - removed);
        return result;
    }

    private static int u16(byte[] data, int at) {
        return ((data[at] & 0xFF) << 8) | (data[at + 1] & 0xFF);
    }

    private static void putU16(byte[] data, int at, int value) {
        data[at] = (byte) (value >> 8);
        data[at + 1] = (byte) value;
    }

    static byte[] copy(byte[] data) {
        return Arrays.copyOf(data, data.length);
    }
}
