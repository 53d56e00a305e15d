package io.streaminfer.pipeline;

import io.streaminfer.core.PipelineException;

import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;

/**
 * An ImageIO JPEG reader (the JDK's unless told otherwise), asked for grayscale output where
 * the image allows it (the reader then skips the chroma planes), else decoding colour and
 * converting.
 */
final class ImageIoDecoder implements FrameDecoder {

    private static final ImageTypeSpecifier GRAY = ImageTypeSpecifier.createFromBufferedImageType(BufferedImage.TYPE_BYTE_GRAY);
    private static final String JDK_READER_PACKAGE = "com.sun.imageio";

    private final String readerPackage;
    private final ThreadLocal<ImageReader> readers;

    /** The JDK's own JPEG reader. */
    ImageIoDecoder() {
        this(JDK_READER_PACKAGE);
    }

    /**
     * @param readerPackage the package of the ImageIO plugin to use, e.g. {@code com.twelvemonkeys}
     */
    ImageIoDecoder(String readerPackage) {
        this.readerPackage = readerPackage;
        this.readers = ThreadLocal.withInitial(() -> {
            for (Iterator<ImageReader> found = ImageIO.getImageReadersByFormatName("jpeg"); found.hasNext(); ) {
                ImageReader reader = found.next();
                if (reader.getClass().getName().startsWith(readerPackage)) {
                    return reader;
                }
            }
            throw new IllegalStateException("no ImageIO JPEG reader from " + readerPackage);
        });
    }

    @Override
    public LumaImage decodeLuma(byte[] jpeg) throws PipelineException {
        return toLuma(read(jpeg, true));
    }

    @Override
    public RgbImage decodeRgb(byte[] jpeg) throws PipelineException {
        BufferedImage image = read(jpeg, false);
        int width = image.getWidth();
        int height = image.getHeight();
        byte[] rgb = new byte[width * height * 3];
        if (image.getType() == BufferedImage.TYPE_3BYTE_BGR) {
            byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
            for (int i = 0; i < rgb.length; i += 3) {
                rgb[i] = bgr[i + 2];
                rgb[i + 1] = bgr[i + 1];
                rgb[i + 2] = bgr[i];
            }
        } else {
            int[] row = new int[width];
            for (int y = 0, j = 0; y < height; y++) {
                image.getRGB(0, y, width, 1, row, 0, width);
                for (int x = 0; x < width; x++, j += 3) {
                    rgb[j] = (byte) (row[x] >> 16);
                    rgb[j + 1] = (byte) (row[x] >> 8);
                    rgb[j + 2] = (byte) row[x];
                }
            }
        }
        return new RgbImage(width, height, rgb);
    }

    /** Reads the image, asking for a grayscale destination when wanted and the image allows it. */
    private BufferedImage read(byte[] jpeg, boolean grayWanted) throws PipelineException {
        ImageReader reader = readers.get();
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(jpeg))) {
            reader.setInput(in, true, true);
            ImageReadParam param = reader.getDefaultReadParam();
            if (grayWanted) {
                for (Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0); types.hasNext(); ) {
                    if (types.next().getBufferedImageType() == BufferedImage.TYPE_BYTE_GRAY) {
                        param.setDestinationType(GRAY);
                        break;
                    }
                }
            }
            return reader.read(0, param);
        } catch (IOException | RuntimeException e) {
            throw new PipelineException("the frame could not be decoded as a JPEG image", "decode", e);
        } finally {
            reader.setInput(null);
        }
    }

    static LumaImage toLuma(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        if (image.getType() == BufferedImage.TYPE_BYTE_GRAY) {
            return new LumaImage(width, height, ((DataBufferByte) image.getRaster().getDataBuffer()).getData());
        }
        byte[] luma = new byte[width * height];
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            image.getRGB(0, y, width, 1, row, 0, width);
            for (int x = 0; x < width; x++) {
                int rgb = row[x];
                // ITU-R BT.601 luma, as JPEG's YCbCr uses
                luma[y * width + x] = (byte) ((299 * ((rgb >> 16) & 0xFF) + 587 * ((rgb >> 8) & 0xFF) + 114 * (rgb & 0xFF) + 500) / 1000);
            }
        }
        return new LumaImage(width, height, luma);
    }

    @Override
    public String name() {
        return JDK_READER_PACKAGE.equals(readerPackage) ? "imageio" : "imageio:" + readerPackage;
    }
}
