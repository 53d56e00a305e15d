package io.streaminfer.pipeline;

import io.streaminfer.core.Frame;
import io.streaminfer.core.PipelineException;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code image_stats}: how the camera sees. Mean luma (dark?), contrast as the standard
 * deviation of luma (covered, foggy?), sharpness as the variance of the Laplacian (blurred, out
 * of focus?), and the fractions of under- and over-exposed pixels.
 */
final class ImageStatsStep implements Step {

    private final int underLevel;
    private final int overLevel;

    ImageStatsStep(int underLevel, int overLevel) {
        this.underLevel = underLevel;
        this.overLevel = overLevel;
    }

    @Override
    public StepOutput apply(Frame frame, FrameImage image) throws PipelineException {
        LumaImage luma = image.luma();
        int width = luma.width();
        int height = luma.height();
        byte[] p = luma.pixels();
        long sum = 0;
        long sumSquares = 0;
        int under = 0;
        int over = 0;
        for (byte b : p) {
            int v = b & 0xFF;
            sum += v;
            sumSquares += (long) v * v;
            if (v <= underLevel) {
                under++;
            } else if (v >= overLevel) {
                over++;
            }
        }
        double n = p.length;
        double mean = sum / n;
        double contrast = Math.sqrt(Math.max(0, sumSquares / n - mean * mean));

        long lapSum = 0;
        long lapSquares = 0; // at most (4 * 255)^2 per pixel: a long holds billions of pixels
        long lapCount = 0;
        for (int y = 1; y < height - 1; y++) {
            int row = y * width;
            for (int x = 1; x < width - 1; x++) {
                int i = row + x;
                int lap = 4 * (p[i] & 0xFF) - (p[i - 1] & 0xFF) - (p[i + 1] & 0xFF)
                        - (p[i - width] & 0xFF) - (p[i + width] & 0xFF);
                lapSum += lap;
                lapSquares += (long) lap * lap;
                lapCount++;
            }
        }
        double lapMean = lapCount == 0 ? 0 : (double) lapSum / lapCount;
        double sharpness = lapCount == 0 ? 0 : (double) lapSquares / lapCount - lapMean * lapMean;

        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("width", width);
        fields.put("height", height);
        fields.put("mean_luma", round(mean));
        fields.put("contrast", round(contrast));
        fields.put("sharpness", round(sharpness));
        fields.put("underexposed", round(under / n));
        fields.put("overexposed", round(over / n));
        return StepOutput.of(fields);
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
