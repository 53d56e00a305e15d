package io.streaminfer.pipeline;

/**
 * An 8-bit grayscale image, row by row.
 *
 * @param width  pixels per row
 * @param height rows
 * @param pixels {@code width * height} luma values, unsigned
 */
record LumaImage(int width, int height, byte[] pixels) {

    LumaImage {
        if (width <= 0 || height <= 0 || pixels.length != width * height) {
            throw new IllegalArgumentException("a " + width + "x" + height + " image needs " + width * height
                    + " pixels, got " + pixels.length);
        }
    }

    int at(int x, int y) {
        return pixels[y * width + x] & 0xFF;
    }
}
