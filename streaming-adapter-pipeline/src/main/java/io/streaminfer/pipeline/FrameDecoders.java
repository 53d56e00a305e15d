package io.streaminfer.pipeline;

/**
 * Picks the decoder: the JDK's ImageIO reader asked for grayscale. Measured on the sample frames
 * (docs/benchmarks.md) it beat OpenCV's {@code imdecode} from the {@code org.openpnp:opencv}
 * build and TwelveMonkeys' reader, needs no native library, and throws on data it cannot
 * decode. {@link OpenCvDecoder} stays as the measured alternative.
 */
final class FrameDecoders {

    private static final FrameDecoder PREFERRED = new ImageIoDecoder();

    private FrameDecoders() {
    }

    static FrameDecoder preferred() {
        return PREFERRED;
    }
}
