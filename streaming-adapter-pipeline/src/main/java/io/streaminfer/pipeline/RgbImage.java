package io.streaminfer.pipeline;

/**
 * An 8-bit colour image, row by row, three bytes per pixel in R, G, B order.
 *
 * @param width  pixels per row
 * @param height rows
 * @param rgb    {@code width * height * 3} values, unsigned
 */
record RgbImage(int width, int height, byte[] rgb) {

    RgbImage {
        if (width <= 0 || height <= 0 || rgb.length != width * height * 3) {
            throw new IllegalArgumentException("a " + width + "x" + height + " colour image needs " + width * height * 3
                    + " bytes, got " + rgb.length);
        }
    }

    /** @return the luma plane (ITU-R BT.601, as JPEG's YCbCr) */
    LumaImage toLuma() {
        byte[] luma = new byte[width * height];
        for (int i = 0, j = 0; i < luma.length; i++, j += 3) {
            luma[i] = (byte) ((299 * (rgb[j] & 0xFF) + 587 * (rgb[j + 1] & 0xFF) + 114 * (rgb[j + 2] & 0xFF) + 500) / 1000);
        }
        return new LumaImage(width, height, luma);
    }
}
