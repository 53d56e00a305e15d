package io.streaminfer.pipeline;

/**
 * Picks the decoder: OpenCV's (libjpeg-turbo, measured fastest here: docs/benchmarks.md) when its
 * native library loads, else the JDK's ImageIO.
 */
final class FrameDecoders {

    private FrameDecoders() {
    }

    static FrameDecoder preferred() {
        return OpenCvLibrary.problem().isEmpty() ? new OpenCvDecoder() : new ImageIoDecoder();
    }
}
