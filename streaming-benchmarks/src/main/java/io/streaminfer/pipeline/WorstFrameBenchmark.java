package io.streaminfer.pipeline;

import io.streaminfer.core.FrameRejectedException;
import io.streaminfer.core.FrameValidator;
import io.streaminfer.core.PipelineException;
import io.streaminfer.tck.HostileJpegs;
import io.streaminfer.tck.SampleFrames;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;

/**
 * What the worst frames the default limits accept cost the JDK decoder: 4096 x 4096 pixels, the
 * most scans allowed, within 5 MiB. Each frame is checked against the default validator first.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class WorstFrameBenchmark {

    /**
     * {@code scans_gray}: grayscale, one DC scan and 31 repeats of the AC scan;
     * {@code scans_colour}: three components, one DC scan and 10 AC scans each (31 scans);
     * {@code photo}: coffee.jpg enlarged to 4096 x 4096, baseline; {@code photo_progressive}: the
     * same written progressive.
     */
    @Param({"scans_gray", "scans_colour", "photo", "photo_progressive"})
    public String frame;

    @Param({"luma", "rgb"})
    public String output;

    private byte[] jpeg;
    private final FrameDecoder decoder = new ImageIoDecoder();

    @Setup
    public void setUp() throws FrameRejectedException {
        jpeg = switch (frame) {
            case "scans_gray" -> HostileJpegs.builder().size(4096, 4096).progressive(FrameValidator.MAX_SCANS - 1).build();
            case "scans_colour" -> HostileJpegs.builder().size(4096, 4096).components(0x11, 0x11, 0x11)
                    .progressive((FrameValidator.MAX_SCANS - 1) / 3).build();
            case "photo" -> photo(false);
            default -> photo(true);
        };
        FrameValidator.jpeg(5L * 1024 * 1024).validate(jpeg); // accepted by the default limits
    }

    private static byte[] photo(boolean progressive) {
        try {
            BufferedImage coffee = ImageIO.read(new ByteArrayInputStream(SampleFrames.coffee()));
            BufferedImage large = new BufferedImage(4096, 4096, BufferedImage.TYPE_3BYTE_BGR);
            large.createGraphics().drawImage(coffee, 0, 0, 4096, 4096, null);
            ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
            ImageWriteParam param = writer.getDefaultWriteParam();
            if (progressive) {
                param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
                writer.setOutput(stream);
                writer.write(null, new IIOImage(large, null, null), param);
            } finally {
                writer.dispose();
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Benchmark
    public Object decode() throws PipelineException {
        return "luma".equals(output) ? decoder.decodeLuma(jpeg) : decoder.decodeRgb(jpeg);
    }
}
