package io.streaminfer.pipeline;

/**
 * An 8-bit colour image, row by row, three bytes per pixel, as a decoder produced it: in
 * B, G, R order (OpenCV's) or R, G, B (the JDK's), so nobody reorders the bytes of a whole frame
 * just to read them once.
 *
 * @param width  pixels per row
 * @param height rows
 * @param pixels {@code width * height * 3} values, unsigned
 * @param bgr    whether the first byte of a pixel is blue
 */
record ColourImage(int width, int height, byte[] pixels, boolean bgr) {

    ColourImage {
        if (width <= 0 || height <= 0 || pixels.length != width * height * 3) {
            throw new IllegalArgumentException("a " + width + "x" + height + " colour image needs " + width * height * 3
                    + " bytes, got " + pixels.length);
        }
    }

    /** @return the image in R, G, B order, without copying when it already is */
    static ColourImage of(RgbImage rgb) {
        return new ColourImage(rgb.width(), rgb.height(), rgb.rgb(), false);
    }
}
