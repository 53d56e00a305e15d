package io.streaminfer.sources;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Splits a byte stream into JPEG images by their structure: an MJPEG file (JPEGs back to back)
 * or an MJPEG-over-HTTP body ({@code multipart/x-mixed-replace}, whose part headers are text and
 * are skipped because a JPEG starts with {@code FF D8}, bytes text never holds). Segments are
 * walked by their lengths and the entropy-coded data is scanned for the next marker, so a
 * thumbnail or stray {@code FF D9} inside a segment does not cut an image short. Used by the
 * sources (FFmpeg's output, MJPEG cameras) and by the {@code stream} client. Not thread-safe.
 */
public final class JpegStreamReader {

    private static final int SOI = 0xD8;
    private static final int EOI = 0xD9;
    private static final int SOS = 0xDA;
    private static final int TEM = 0x01;

    private final InputStream in;
    private final int maxImageBytes;

    /**
     * @param in            the stream; buffered by the caller
     * @param maxImageBytes images larger than this fail the read
     */
    public JpegStreamReader(InputStream in, int maxImageBytes) {
        this.in = in;
        this.maxImageBytes = maxImageBytes;
    }

    /**
     * @return the next whole image, or {@literal null} at the end of the stream
     * @throws IOException when the stream breaks or ends inside an image, or an image is too large
     */
    public byte[] next() throws IOException {
        if (!skipToStartOfImage()) {
            return null;
        }
        Image image = new Image();
        image.write(0xFF);
        image.write(SOI);
        int marker = readMarker();
        while (true) {
            image.write(0xFF);
            image.write(marker);
            if (marker == EOI) {
                return image.toByteArray();
            }
            if (marker == TEM || (marker >= 0xD0 && marker <= 0xD7)) {
                marker = readMarker();
                continue;
            }
            int high = read();
            int low = read();
            int length = (high << 8) | low;
            if (length < 2) {
                throw new IOException("corrupt JPEG: segment FF" + Integer.toHexString(marker).toUpperCase() + " has length " + length);
            }
            image.write(high);
            image.write(low);
            for (int i = 0; i < length - 2; i++) {
                image.write(read());
            }
            marker = marker == SOS ? copyEntropyData(image) : readMarker();
        }
    }

    private boolean skipToStartOfImage() throws IOException {
        int previous = -1;
        int b;
        while ((b = in.read()) >= 0) {
            if (previous == 0xFF && b == SOI) {
                return true;
            }
            previous = b;
        }
        return false;
    }

    /** Copies scan data up to the next marker that is not stuffing or a restart, and returns that marker. */
    private int copyEntropyData(Image image) throws IOException {
        while (true) {
            int b = read();
            if (b != 0xFF) {
                image.write(b);
                continue;
            }
            int next = read();
            while (next == 0xFF) {
                next = read(); // fill bytes
            }
            if (next == 0x00 || (next >= 0xD0 && next <= 0xD7)) {
                image.write(0xFF);
                image.write(next);
                continue;
            }
            return next;
        }
    }

    private int readMarker() throws IOException {
        int b = read();
        if (b != 0xFF) {
            throw new IOException("corrupt JPEG: expected a marker, found 0x" + Integer.toHexString(b));
        }
        int marker = read();
        while (marker == 0xFF) {
            marker = read();
        }
        return marker;
    }

    private int read() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("the stream ended inside a JPEG image");
        }
        return b;
    }

    /** The image being read, bounded. */
    private final class Image extends ByteArrayOutputStream {
        Image() {
            super(64 * 1024);
        }

        @Override
        public void write(int b) {
            if (count >= maxImageBytes) {
                throw new ImageTooLarge(maxImageBytes);
            }
            super.write(b);
        }
    }

    /** An image past the size limit. */
    public static final class ImageTooLarge extends RuntimeException {
        ImageTooLarge(int limit) {
            super("an image is larger than " + limit + " bytes");
        }
    }
}
