package io.streaminfer.pipeline;

import io.streaminfer.core.Detection;
import io.streaminfer.core.Frame;
import io.streaminfer.core.PipelineException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code motion}: compares each frame with a running background on a downscaled grayscale
 * copy and reports the changed regions (connected components, merged when they touch, at least
 * {@code min_area} frame pixels) as detections labelled {@code motion}, in pixels of the frame.
 * The first frame, and the first after a change of resolution, only sets the background. State
 * is per session, and sized from the working copy, not the frame: blocks of {@code downscale}
 * pixels, larger when needed to keep the copy within {@value #MAX_WORKING_SIDE} cells on its long
 * side (400 KB of background at most, whatever the frame's size).
 */
final class MotionStep implements Step {

    /** The most cells of the working copy on its long side (frames up to 1280 pixels long keep the default downscale of 4). */
    static final int MAX_WORKING_SIDE = 320;

    private final int minArea;
    private final int threshold;
    private final int downscale;
    private final double learningRate;

    private float[] background;
    private int smallWidth;
    private int smallHeight;

    MotionStep(int minArea, int threshold, int downscale, double learningRate) {
        this.minArea = minArea;
        this.threshold = threshold;
        this.downscale = downscale;
        this.learningRate = learningRate;
    }

    @Override
    public StepOutput apply(Frame frame, FrameImage image) throws PipelineException {
        LumaImage luma = image.luma();
        int d = blockSide(luma.width(), luma.height());
        int sw = luma.width() / d;
        int sh = luma.height() / d;
        int[] small = downscale(luma, d, sw, sh);

        if (background == null || sw != smallWidth || sh != smallHeight) {
            background = new float[sw * sh];
            for (int i = 0; i < small.length; i++) {
                background[i] = small[i];
            }
            smallWidth = sw;
            smallHeight = sh;
            return output(0.0, List.of());
        }

        boolean[] changed = new boolean[small.length];
        int changedCount = 0;
        for (int i = 0; i < small.length; i++) {
            if (Math.abs(small[i] - background[i]) > threshold) {
                changed[i] = true;
                changedCount++;
            }
            background[i] += (float) (learningRate * (small[i] - background[i]));
        }
        List<Detection> regions = new ArrayList<>();
        for (int[] box : mergeTouching(components(changed, sw, sh))) {
            int x = box[0] * d;
            int y = box[1] * d;
            int w = Math.min((box[2] - box[0] + 1) * d, luma.width() - x);
            int h = Math.min((box[3] - box[1] + 1) * d, luma.height() - y);
            if ((long) w * h >= minArea) {
                double cells = (double) (box[2] - box[0] + 1) * (box[3] - box[1] + 1);
                regions.add(new Detection(x, y, w, h, "motion", Math.min(1.0, Math.round(box[4] / cells * 1000) / 1000.0)));
            }
        }
        return output(changedCount / (double) small.length, regions);
    }

    /**
     * The side of the square block averaged into one cell: {@code downscale}, or more for a frame
     * whose long side would give more than {@link #MAX_WORKING_SIDE} cells; never more than the
     * frame's short side (a frame of 65535 x 1 keeps one cell per column: 256 KB).
     */
    int blockSide(int width, int height) {
        int longSide = Math.max(width, height);
        int d = Math.max(downscale, (longSide + MAX_WORKING_SIDE - 1) / MAX_WORKING_SIDE);
        return Math.min(d, Math.min(width, height));
    }

    /** @return how many cells the background holds (its floats are the state kept across frames) */
    int backgroundCells() {
        return background == null ? 0 : background.length;
    }

    private static StepOutput output(double ratio, List<Detection> regions) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("motion_ratio", Math.round(ratio * 10_000) / 10_000.0);
        fields.put("regions", regions.size());
        return new StepOutput(fields, regions);
    }

    /** Box-averages {@code d x d} blocks. */
    private static int[] downscale(LumaImage luma, int d, int sw, int sh) {
        int[] small = new int[sw * sh];
        byte[] p = luma.pixels();
        int width = luma.width();
        int area = d * d;
        for (int sy = 0; sy < sh; sy++) {
            for (int sx = 0; sx < sw; sx++) {
                int sum = 0;
                for (int y = sy * d; y < sy * d + d; y++) {
                    int row = y * width;
                    for (int x = sx * d; x < sx * d + d; x++) {
                        sum += p[row + x] & 0xFF;
                    }
                }
                small[sy * sw + sx] = sum / area;
            }
        }
        return small;
    }

    /** 8-connected components of the changed cells: {minX, minY, maxX, maxY, cells}. */
    private static List<int[]> components(boolean[] changed, int sw, int sh) {
        List<int[]> boxes = new ArrayList<>();
        boolean[] seen = new boolean[changed.length];
        int[] stack = new int[changed.length];
        for (int start = 0; start < changed.length; start++) {
            if (!changed[start] || seen[start]) {
                continue;
            }
            int[] box = {start % sw, start / sw, start % sw, start / sw, 0};
            int top = 0;
            stack[top++] = start;
            seen[start] = true;
            while (top > 0) {
                int cell = stack[--top];
                int cx = cell % sw;
                int cy = cell / sw;
                box[0] = Math.min(box[0], cx);
                box[1] = Math.min(box[1], cy);
                box[2] = Math.max(box[2], cx);
                box[3] = Math.max(box[3], cy);
                box[4]++;
                for (int ny = Math.max(0, cy - 1); ny <= Math.min(sh - 1, cy + 1); ny++) {
                    for (int nx = Math.max(0, cx - 1); nx <= Math.min(sw - 1, cx + 1); nx++) {
                        int next = ny * sw + nx;
                        if (changed[next] && !seen[next]) {
                            seen[next] = true;
                            stack[top++] = next;
                        }
                    }
                }
            }
            boxes.add(box);
        }
        return boxes;
    }

    /** Merges boxes that overlap or touch, until none do. */
    private static List<int[]> mergeTouching(List<int[]> boxes) {
        List<int[]> merged = new ArrayList<>(boxes);
        boolean again = true;
        while (again) {
            again = false;
            outer:
            for (int i = 0; i < merged.size(); i++) {
                for (int j = i + 1; j < merged.size(); j++) {
                    int[] a = merged.get(i);
                    int[] b = merged.get(j);
                    if (a[0] <= b[2] + 1 && b[0] <= a[2] + 1 && a[1] <= b[3] + 1 && b[1] <= a[3] + 1) {
                        merged.set(i, new int[] {Math.min(a[0], b[0]), Math.min(a[1], b[1]),
                            Math.max(a[2], b[2]), Math.max(a[3], b[3]), a[4] + b[4]});
                        merged.remove(j);
                        again = true;
                        break outer;
                    }
                }
            }
        }
        return merged;
    }
}
