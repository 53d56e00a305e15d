package io.streaminfer.sources;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into JPEG images by their structure: an MJPEG file (JPEGs back to back,
 * as FFmpeg writes them to a pipe) or an MJPEG-over-HTTP body ({@code multipart/x-mixed-replace},
 * whose part headers are text and are skipped because a JPEG starts with {@code FF D8}, bytes text
 * never holds). Segments are walked by their lengths and the entropy-coded data is scanned for the
 * next marker, so a thumbnail or stray {@code FF D9} inside a segment does not cut an image short.
 * Used by the sources (FFmpeg's output, MJPEG cameras) and by the {@code stream} client.
 *
 * <p>It reads through a buffer of its own and copies segments and scan data in bulk: a source
 * reads every frame of its camera through here, so it must cost little next to decoding the image.
 * Not thread-safe.
 */
public final class JpegStreamReader {

    private static final int SOI = 0xD8;
    private static final int EOI = 0xD9;
    private static final int SOS = 0xDA;
    private static final int TEM = 0x01;
    private static final int MARKER = 0xFF;

    private final InputStream in;
    private final int maxImageBytes;
    private final long maxBytesBetween;
    private final byte[] buffer = new byte[64 * 1024];
    private int position;
    private int limit;
    /** The image being read; reused, so it grows to the largest image once. */
    private byte[] image = new byte[64 * 1024];
    private int size;

    /**
     * @param in            the stream (read in blocks of 64 KiB; no need to buffer it)
     * @param maxImageBytes images larger than this fail the read
     */
    public JpegStreamReader(InputStream in, int maxImageBytes) {
        this(in, maxImageBytes, Long.MAX_VALUE);
    }

    /**
     * @param in              the stream (read in blocks of 64 KiB; no need to buffer it)
     * @param maxImageBytes   images larger than this fail the read
     * @param maxBytesBetween more bytes than this before an image (MJPEG part headers, a boundary)
     *                        fail the read with {@link TooMuchBetweenImages}: a peer that sends
     *                        endless text must not keep a reader busy for nothing
     */
    public JpegStreamReader(InputStream in, int maxImageBytes, long maxBytesBetween) {
        this.in = in;
        this.maxImageBytes = maxImageBytes;
        this.maxBytesBetween = maxBytesBetween;
    }

    /**
     * @return the next whole image, or {@literal null} at the end of the stream
     * @throws IOException when the stream breaks or ends inside an image
     * @throws TooMuchBetweenImages when more bytes than allowed come before the image
     * @throws ImageTooLarge when an image is larger than the limit
     */
    public byte[] next() throws IOException {
        if (!skipToStartOfImage()) {
            return null;
        }
        size = 0;
        put(MARKER);
        put(SOI);
        int marker = readMarker();
        while (true) {
            put(MARKER);
            put(marker);
            if (marker == EOI) {
                return Arrays.copyOf(image, size);
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
            put(high);
            put(low);
            copy(length - 2);
            marker = marker == SOS ? copyEntropyData() : readMarker();
        }
    }

    private boolean skipToStartOfImage() throws IOException {
        int previous = -1;
        long skipped = 0;
        while (true) {
            if (position == limit && !fill()) {
                return false;
            }
            int b = buffer[position++] & 0xFF;
            if (previous == MARKER && b == SOI) {
                return true;
            }
            if (++skipped - 1 > maxBytesBetween) { // - 1: the FF of an SOI counts as skipped until its D8 comes
                throw new TooMuchBetweenImages(maxBytesBetween);
            }
            previous = b;
        }
    }

    /** Copies scan data up to the next marker that is not stuffing or a restart, and returns that marker. */
    private int copyEntropyData() throws IOException {
        while (true) {
            if (position == limit && !fill()) {
                throw new EOFException("the stream ended inside a JPEG image");
            }
            int start = position;
            int end = start;
            while (end < limit && buffer[end] != (byte) MARKER) {
                end++;
            }
            put(buffer, start, end - start);
            position = end;
            if (end == limit) {
                continue; // no marker in this block: read on
            }
            position++; // the FF
            int next = read();
            while (next == MARKER) {
                next = read(); // fill bytes
            }
            if (next == 0x00 || (next >= 0xD0 && next <= 0xD7)) {
                put(MARKER);
                put(next);
                continue;
            }
            return next;
        }
    }

    private int readMarker() throws IOException {
        int b = read();
        if (b != MARKER) {
            throw new IOException("corrupt JPEG: expected a marker, found 0x" + Integer.toHexString(b));
        }
        int marker = read();
        while (marker == MARKER) {
            marker = read();
        }
        return marker;
    }

    private void copy(int count) throws IOException {
        int left = count;
        while (left > 0) {
            if (position == limit && !fill()) {
                throw new EOFException("the stream ended inside a JPEG image");
            }
            int chunk = Math.min(left, limit - position);
            put(buffer, position, chunk);
            position += chunk;
            left -= chunk;
        }
    }

    private int read() throws IOException {
        if (position == limit && !fill()) {
            throw new EOFException("the stream ended inside a JPEG image");
        }
        return buffer[position++] & 0xFF;
    }

    private boolean fill() throws IOException {
        int read;
        do {
            read = in.read(buffer, 0, buffer.length);
        } while (read == 0);
        if (read < 0) {
            return false;
        }
        position = 0;
        limit = read;
        return true;
    }

    private void put(int b) {
        room(1);
        image[size++] = (byte) b;
    }

    private void put(byte[] bytes, int offset, int length) {
        room(length);
        System.arraycopy(bytes, offset, image, size, length);
        size += length;
    }

    private void room(int more) {
        if ((long) size + more > maxImageBytes) {
            throw new ImageTooLarge(maxImageBytes);
        }
        if (size + more > image.length) {
            image = Arrays.copyOf(image, (int) Math.min(maxImageBytes, Math.max(size + more, 2L * image.length)));
        }
    }

    /** More bytes than allowed between two images, or before the first. */
    public static final class TooMuchBetweenImages extends IOException {
        private static final long serialVersionUID = 1L;

        TooMuchBetweenImages(long limit) {
            super("more than " + limit + " bytes before an image");
        }
    }

    /** An image past the size limit. */
    public static final class ImageTooLarge extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ImageTooLarge(int limit) {
            super("an image is larger than " + limit + " bytes");
        }
    }
}
