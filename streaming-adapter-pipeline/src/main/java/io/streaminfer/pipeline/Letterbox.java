package io.streaminfer.pipeline;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Fits a frame into a model's square input without distorting it, in one pass from the decoded
 * bytes to the model's planar float tensor: scale (bilinear, as OpenCV's {@code INTER_LINEAR}
 * that models are trained with), pad, reorder to R, G, B planes and normalise.
 *
 * @param size   the model's input side in pixels
 * @param scale  input pixels per frame pixel
 * @param width  the frame's width in the input, in pixels
 * @param height the frame's height in the input, in pixels
 * @param padX   input columns left of the frame
 * @param padY   input rows above the frame
 */
record Letterbox(int size, float scale, int width, int height, int padX, int padY) {

    /** Where the frame goes in the input. */
    enum Anchor {
        /** Centred, padding split on both sides: Ultralytics' YOLO letterbox. */
        CENTRE,
        /** In the top-left corner, padding right and below: InsightFace's RetinaFace. */
        TOP_LEFT
    }

    /**
     * @param frameWidth  the frame's width in pixels
     * @param frameHeight its height
     * @param size        the model's input side
     * @param anchor      where the frame goes
     * @return where a frame of that size lands in the input
     */
    static Letterbox of(int frameWidth, int frameHeight, int size, Anchor anchor) {
        float scale = Math.min((float) size / frameWidth, (float) size / frameHeight);
        int width = Math.max(1, Math.min(size, Math.round(frameWidth * scale)));
        int height = Math.max(1, Math.min(size, Math.round(frameHeight * scale)));
        int padX = anchor == Anchor.CENTRE ? (size - width) / 2 : 0;
        int padY = anchor == Anchor.CENTRE ? (size - height) / 2 : 0;
        return new Letterbox(size, scale, width, height, padX, padY);
    }

    /**
     * @param frameWidth  the frame's width
     * @param frameHeight its height
     * @return how much smaller than the frame it may be decoded (JPEG DCT scaling: 1, 2, 4 or 8)
     *         and still have at least as many pixels as this letterbox uses
     */
    int reduction(int frameWidth, int frameHeight) {
        int reduction = 1;
        while (reduction < 8 && frameWidth / (reduction * 2) >= width && frameHeight / (reduction * 2) >= height) {
            reduction *= 2;
        }
        return reduction;
    }

    /** @return the intersection over union of two boxes given by their corners; 0 when either is empty */
    static float iou(float ax1, float ay1, float ax2, float ay2, float bx1, float by1, float bx2, float by2) {
        float w = Math.min(ax2, bx2) - Math.max(ax1, bx1);
        float h = Math.min(ay2, by2) - Math.max(ay1, by1);
        float intersection = Math.max(0, w) * Math.max(0, h);
        float union = Math.max(0, ax2 - ax1) * Math.max(0, ay2 - ay1) + Math.max(0, bx2 - bx1) * Math.max(0, by2 - by1)
                - intersection;
        return union <= 0 ? 0 : intersection / union;
    }

    /** @return the frame x of an input x */
    float frameX(float inputX) {
        return (inputX - padX) / scale;
    }

    /** @return the frame y of an input y */
    float frameY(float inputY) {
        return (inputY - padY) / scale;
    }

    /**
     * Writes the image into a {@code [3, size, size]} R, G, B planar tensor.
     *
     * @param image   the frame decoded, at full size or reduced (any size: it is scaled to this letterbox)
     * @param out     {@code 3 * size * size} floats
     * @param factor  what a byte is multiplied by ({@code 1/255f} for inputs in 0..1)
     * @param pad     the value of the padding, already normalised
     * @param padded  whether {@code out} holds this letterbox's padding already (from the previous frame)
     */
    void fill(ColourImage image, FloatBuffer out, float factor, float pad, boolean padded) {
        int plane = size * size;
        if (!padded) {
            float[] padding = new float[plane];
            Arrays.fill(padding, pad);
            for (int c = 0; c < 3; c++) {
                out.put(c * plane, padding, 0, plane);
            }
        }
        int r = image.bgr() ? 2 : 0;
        int b = 2 - r;
        float[] red = new float[width];
        float[] green = new float[width];
        float[] blue = new float[width];
        byte[] pixels = image.pixels();
        int stride = image.width() * 3;
        if (image.width() == width && image.height() == height) {
            for (int y = 0; y < height; y++) {
                for (int x = 0, i = y * stride; x < width; x++, i += 3) {
                    red[x] = (pixels[i + r] & 0xFF) * factor;
                    green[x] = (pixels[i + 1] & 0xFF) * factor;
                    blue[x] = (pixels[i + b] & 0xFF) * factor;
                }
                write(out, y, red, green, blue);
            }
            return;
        }
        // bilinear with pixel centres aligned (OpenCV's INTER_LINEAR), weights in 1/256
        int[] x0 = new int[width];
        int[] x1 = new int[width];
        int[] wx = new int[width];
        axis(image.width(), width, x0, x1, wx);
        int[] y0 = new int[height];
        int[] y1 = new int[height];
        int[] wy = new int[height];
        axis(image.height(), height, y0, y1, wy);
        float rowFactor = factor / (256 * 256);
        for (int y = 0; y < height; y++) {
            int top = y0[y] * stride;
            int bottom = y1[y] * stride;
            int fy = wy[y];
            for (int x = 0; x < width; x++) {
                int left = x0[x] * 3;
                int right = x1[x] * 3;
                int fx = wx[x];
                red[x] = mix(pixels, top, bottom, left, right, r, fx, fy) * rowFactor;
                green[x] = mix(pixels, top, bottom, left, right, 1, fx, fy) * rowFactor;
                blue[x] = mix(pixels, top, bottom, left, right, b, fx, fy) * rowFactor;
            }
            write(out, y, red, green, blue);
        }
    }

    private void write(FloatBuffer out, int y, float[] red, float[] green, float[] blue) {
        int plane = size * size;
        int at = (y + padY) * size + padX;
        out.put(at, red, 0, width);
        out.put(plane + at, green, 0, width);
        out.put(2 * plane + at, blue, 0, width);
    }

    private static int mix(byte[] p, int top, int bottom, int left, int right, int channel, int fx, int fy) {
        int a = p[top + left + channel] & 0xFF;
        int b = p[top + right + channel] & 0xFF;
        int c = p[bottom + left + channel] & 0xFF;
        int d = p[bottom + right + channel] & 0xFF;
        int upper = a * (256 - fx) + b * fx;
        int lower = c * (256 - fx) + d * fx;
        return upper * (256 - fy) + lower * fy;
    }

    /** For each output position: the two source positions around its centre and the weight of the second. */
    private static void axis(int source, int target, int[] first, int[] second, int[] weight) {
        double ratio = (double) source / target;
        for (int i = 0; i < target; i++) {
            double at = (i + 0.5) * ratio - 0.5;
            int low = (int) Math.floor(at);
            double fraction = at - low;
            if (low < 0) {
                low = 0;
                fraction = 0;
            }
            if (low >= source - 1) {
                low = source - 1;
                fraction = 0;
            }
            first[i] = low;
            second[i] = Math.min(source - 1, low + 1);
            weight[i] = (int) Math.round(fraction * 256);
        }
    }
}
