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

    static byte[] copy(byte[] data) {
        return Arrays.copyOf(data, data.length);
    }
}
