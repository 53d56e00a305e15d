package io.streaminfer.pipeline;

import io.streaminfer.core.Detection;
import io.streaminfer.core.Frame;
import io.streaminfer.core.PipelineException;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfDouble;
import org.opencv.core.MatOfInt;
import org.opencv.core.MatOfRect;
import org.opencv.core.Rect;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;
import org.opencv.objdetect.CascadeClassifier;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code faces}: OpenCV's Haar cascade for frontal faces on the grayscale frame. Each session
 * has its own classifier (OpenCV's is not safe to share between threads). Detections are
 * labelled {@code face}; the score is the logistic of the cascade's level weight.
 *
 * <p>The classifier keeps buffers sized from the largest image it has seen (OpenCV's
 * {@code FeatureEvaluator} grows them and never shrinks), for the session's life; so a frame of
 * more than {@value #MAX_WORKING_PIXELS} pixels is first scaled down to that many, and the boxes
 * scaled back to frame pixels.
 */
final class FacesStep implements Step {

    /** The most pixels the cascade runs on (1280 x 960); larger frames are scaled down first. */
    static final int MAX_WORKING_PIXELS = 1280 * 960;

    /** Where Debian's {@code opencv-data} (and other distributions) put the cascades. */
    static final List<Path> STANDARD_CASCADES = List.of(
            Path.of("/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml"),
            Path.of("/usr/share/opencv/haarcascades/haarcascade_frontalface_default.xml"),
            Path.of("/usr/local/share/opencv4/haarcascades/haarcascade_frontalface_default.xml"));

    private final CascadeClassifier classifier;
    private final double scaleFactor;
    private final int minNeighbors;
    private final int minSize;

    FacesStep(Path cascade, double scaleFactor, int minNeighbors, int minSize) {
        OpenCvLibrary.problem().ifPresent(problem -> {
            throw new IllegalStateException(problem); // loads the native library on first use
        });
        this.classifier = new CascadeClassifier(cascade.toString());
        if (classifier.empty()) {
            throw new IllegalStateException("OpenCV could not load the cascade " + cascade);
        }
        this.scaleFactor = scaleFactor;
        this.minNeighbors = minNeighbors;
        this.minSize = minSize;
    }

    /** The cascade to use: the configured one, else the first standard place that has it. */
    static Optional<Path> findCascade(String configured) {
        if (!configured.isEmpty()) {
            return Optional.of(Path.of(configured)).filter(Files::isReadable);
        }
        return STANDARD_CASCADES.stream().filter(Files::isReadable).findFirst();
    }

    /** Why faces cannot run here, if it cannot. */
    static Optional<String> problem(String configuredCascade) {
        if (OpenCvLibrary.problem().isPresent()) {
            return OpenCvLibrary.problem();
        }
        if (findCascade(configuredCascade).isEmpty()) {
            return Optional.of(configuredCascade.isEmpty()
                    ? "frontal face cascade not found: install opencv-data or set the step's 'cascade' parameter"
                    : "frontal face cascade not found at " + configuredCascade);
        }
        return Optional.empty();
    }

    /** @return the factor that brings a frame within {@link #MAX_WORKING_PIXELS}, 1 when it is */
    static double workingScale(int width, int height) {
        long pixels = (long) width * height;
        return pixels <= MAX_WORKING_PIXELS ? 1 : Math.sqrt((double) MAX_WORKING_PIXELS / pixels);
    }

    @Override
    public StepOutput apply(Frame frame, FrameImage image) throws PipelineException {
        LumaImage luma = image.luma();
        Mat gray = new Mat(luma.height(), luma.width(), CvType.CV_8UC1);
        MatOfRect faces = new MatOfRect();
        MatOfInt rejectLevels = new MatOfInt();
        MatOfDouble weights = new MatOfDouble();
        double scale = workingScale(luma.width(), luma.height());
        try {
            gray.put(0, 0, luma.pixels());
            if (scale < 1) {
                Imgproc.resize(gray, gray, new Size(Math.max(1, Math.floor(luma.width() * scale)),
                        Math.max(1, Math.floor(luma.height() * scale))), 0, 0, Imgproc.INTER_AREA);
            }
            Imgproc.equalizeHist(gray, gray);
            int workingMinSize = (int) Math.max(1, Math.round(minSize * scale));
            classifier.detectMultiScale3(gray, faces, rejectLevels, weights, scaleFactor, minNeighbors, 0,
                    new Size(workingMinSize, workingMinSize), new Size(), true);
            Rect[] boxes = faces.toArray();
            double[] levelWeights = boxes.length == 0 ? new double[0] : weights.toArray(); // empty Mat: no array
            List<Detection> detections = new ArrayList<>();
            for (int i = 0; i < boxes.length; i++) {
                double weight = i < levelWeights.length ? levelWeights[i] : 0;
                double score = Math.round(1000 / (1 + Math.exp(-weight))) / 1000.0;
                Rect r = boxes[i];
                int x = (int) Math.round(r.x / scale); // back to frame pixels
                int y = (int) Math.round(r.y / scale);
                int w = Math.min((int) Math.round(r.width / scale), luma.width() - x);
                int h = Math.min((int) Math.round(r.height / scale), luma.height() - y);
                detections.add(new Detection(x, y, w, h, "face", score));
            }
            return new StepOutput(Map.of("count", detections.size()), detections);
        } finally {
            gray.release();
            faces.release();
            rejectLevels.release();
            weights.release();
        }
    }
}
