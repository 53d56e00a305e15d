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
    public String name() {
        return "opencv";
    }
}
