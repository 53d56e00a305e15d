package io.streaminfer.pipeline;

import io.streaminfer.core.PipelineException;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;

/**
 * Colour decoding for model inputs: OpenCV's {@code imdecode} (libjpeg-turbo), which can scale
 * by 1/2, 1/4 or 1/8 while decoding, measured faster than the JDK's reader in colour
 * (docs/benchmarks.md, "Detectors"); the JDK's reader at full size where OpenCV's native library
 * cannot load. Thread-safe.
 */
final class ColourDecoding {

    private static final FrameDecoder FALLBACK = new ImageIoDecoder();

    private ColourDecoding() {
    }

    /**
     * @param jpeg      a JPEG whose header passed the decode limits
     * @param reduction 1, 2, 4 or 8
     * @return its pixels at {@code 1/reduction} of its size (rounded up), or at full size when
     *         scaling while decoding is not available here
     * @throws PipelineException when it cannot be decoded
     */
    static ColourImage decode(byte[] jpeg, int reduction) throws PipelineException {
        if (OpenCvLibrary.problem().isPresent()) {
            return ColourImage.of(FALLBACK.decodeRgb(jpeg));
        }
        int flags = switch (reduction) {
            case 1 -> Imgcodecs.IMREAD_COLOR;
            case 2 -> Imgcodecs.IMREAD_REDUCED_COLOR_2;
            case 4 -> Imgcodecs.IMREAD_REDUCED_COLOR_4;
            case 8 -> Imgcodecs.IMREAD_REDUCED_COLOR_8;
            default -> throw new IllegalArgumentException("reduction must be 1, 2, 4 or 8, got " + reduction);
        };
        MatOfByte encoded = new MatOfByte(jpeg);
        Mat decoded = Imgcodecs.imdecode(encoded, flags);
        try {
            if (decoded.empty() || decoded.channels() != 3) {
                throw new PipelineException("the frame could not be decoded as a JPEG image", "decode", null);
            }
            byte[] pixels = new byte[decoded.cols() * decoded.rows() * 3];
            decoded.get(0, 0, pixels);
            return new ColourImage(decoded.cols(), decoded.rows(), pixels, true);
        } finally {
            decoded.release();
            encoded.release();
        }
    }
}
