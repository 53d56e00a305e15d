package io.streaminfer.pipeline;

import io.streaminfer.core.PipelineException;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;

/**
 * OpenCV's {@code imdecode} (libjpeg-turbo) straight to grayscale. Needs the native library
 * loaded ({@link OpenCvLibrary}).
 */
final class OpenCvDecoder implements FrameDecoder {

    /** @throws IllegalStateException when OpenCV's native library cannot load here */
    OpenCvDecoder() {
        OpenCvLibrary.problem().ifPresent(problem -> {
            throw new IllegalStateException(problem);
        });
    }

    @Override
    public LumaImage decodeLuma(byte[] jpeg) throws PipelineException {
        MatOfByte encoded = new MatOfByte(jpeg);
        Mat decoded = Imgcodecs.imdecode(encoded, Imgcodecs.IMREAD_GRAYSCALE);
        try {
            if (decoded.empty()) {
                throw new PipelineException("the frame could not be decoded as a JPEG image", "decode", null);
            }
            byte[] pixels = new byte[decoded.cols() * decoded.rows()];
            decoded.get(0, 0, pixels);
            return new LumaImage(decoded.cols(), decoded.rows(), pixels);
        } finally {
            decoded.release();
            encoded.release();
        }
    }

    @Override
    public RgbImage decodeRgb(byte[] jpeg) throws PipelineException {
        MatOfByte encoded = new MatOfByte(jpeg);
        Mat decoded = Imgcodecs.imdecode(encoded, Imgcodecs.IMREAD_COLOR);
        try {
            if (decoded.empty()) {
                throw new PipelineException("the frame could not be decoded as a JPEG image", "decode", null);
            }
            byte[] bgr = new byte[decoded.cols() * decoded.rows() * 3];
            decoded.get(0, 0, bgr);
            for (int i = 0; i < bgr.length; i += 3) {
                byte blue = bgr[i];
                bgr[i] = bgr[i + 2];
                bgr[i + 2] = blue;
            }
            return new RgbImage(decoded.cols(), decoded.rows(), bgr);
        } finally {
            decoded.release();
            encoded.release();
        }
    }

    @Override
    public String name() {
        return "opencv";
    }
}
