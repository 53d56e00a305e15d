package io.streaminfer.pipeline;

import io.streaminfer.core.PipelineException;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;

/**
 * OpenCV's {@code imdecode}, to grayscale or colour. Needs the native library
 * ({@link OpenCvLibrary}); kept as the measured alternative to {@link ImageIoDecoder}.
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
        Decoded decoded = decode(jpeg, Imgcodecs.IMREAD_GRAYSCALE, 1);
        return new LumaImage(decoded.width(), decoded.height(), decoded.pixels());
    }

    @Override
    public RgbImage decodeRgb(byte[] jpeg) throws PipelineException {
        Decoded decoded = decode(jpeg, Imgcodecs.IMREAD_COLOR, 3);
        byte[] bgr = decoded.pixels();
        for (int i = 0; i < bgr.length; i += 3) { // OpenCV gives B, G, R
            byte blue = bgr[i];
            bgr[i] = bgr[i + 2];
            bgr[i + 2] = blue;
        }
        return new RgbImage(decoded.width(), decoded.height(), bgr);
    }

    private record Decoded(int width, int height, byte[] pixels) {
    }

    private static Decoded decode(byte[] jpeg, int flags, int channels) throws PipelineException {
        MatOfByte encoded = new MatOfByte(jpeg);
        Mat decoded = Imgcodecs.imdecode(encoded, flags);
        try {
            if (decoded.empty()) {
                throw new PipelineException("the frame could not be decoded as a JPEG image", "decode", null);
            }
            byte[] pixels = new byte[decoded.cols() * decoded.rows() * channels];
            decoded.get(0, 0, pixels);
            return new Decoded(decoded.cols(), decoded.rows(), pixels);
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
