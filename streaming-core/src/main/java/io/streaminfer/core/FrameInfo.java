package io.streaminfer.core;

/**
 * What validation learned about a frame without decoding it.
 *
 * @param width     image width in pixels, from the JPEG start-of-frame segment
 * @param height    image height in pixels, from the JPEG start-of-frame segment
 * @param sizeBytes size of the encoded frame in bytes
 */
public record FrameInfo(int width, int height, int sizeBytes) {

    /** Validates the values. */
    public FrameInfo {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("width and height must be positive: " + width + "x" + height);
        }
        if (sizeBytes <= 0) {
            throw new IllegalArgumentException("sizeBytes must be positive: " + sizeBytes);
        }
    }
}
