package io.streaminfer.tck;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Real camera-like JPEG frames shipped with the kit (provenance in
 * {@code io/streaminfer/tck/frames/README.md}), and builders of bad ones.
 */
public final class SampleFrames {

    private SampleFrames() {
    }

    /** @return 512x512 portrait with one frontal face */
    public static byte[] astronaut() {
        return load("astronaut.jpg");
    }

    /** @return 600x400 cup of coffee: no text, no face */
    public static byte[] coffee() {
        return load("coffee.jpg");
    }

    /**
     * A moving object for motion and tracking tests: coffee.jpg with a 60-pixel square of seeded
     * black-and-white noise whose top-left corner is at ({@code x}, 200). The texture is the same
     * in every frame, so it moves with the square and the difference between two frames is the
     * square, at both places.
     *
     * @param x the square's left edge, 0..540
     * @return the frame as a JPEG
     */
    public static byte[] coffeeWithSquareAt(int x) {
        try {
            java.awt.image.BufferedImage background = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(coffee()));
            Random texture = new Random(7);
            for (int dy = 0; dy < 60; dy++) {
                for (int dx = 0; dx < 60; dx++) {
                    int grey = texture.nextBoolean() ? 0x10 : 0xF0;
                    background.setRGB(x + dx, 200 + dy, grey << 16 | grey << 8 | grey);
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            javax.imageio.ImageIO.write(background, "jpg", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return 384x191 scanned printed text */
    public static byte[] page() {
        return load("page.jpg");
    }

    /** @return 640x480 scene with a QR code encoding {@code https://example.org/streaming/camera-7} */
    public static byte[] qrScene() {
        return load("qr_scene.jpg");
    }

    /** @return a 16x16 black JPEG of a few hundred bytes, for floods that should cost the server little */
    public static byte[] tiny() {
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(16, 16, java.awt.image.BufferedImage.TYPE_INT_RGB);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            javax.imageio.ImageIO.write(image, "jpg", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** @return 400 bytes: starts like a JPEG but is cut off (no end-of-image marker) */
    public static byte[] truncated() {
        return load("truncated.jpg");
    }

    /**
     * @return every real, whole JPEG of the kit by file name, with its size as {@code int[]{width, height}}
     */
    public static Map<String, int[]> realJpegSizes() {
        Map<String, int[]> sizes = new LinkedHashMap<>();
        sizes.put("astronaut.jpg", new int[] {512, 512});
        sizes.put("coffee.jpg", new int[] {600, 400});
        sizes.put("page.jpg", new int[] {384, 191});
        sizes.put("qr_scene.jpg", new int[] {640, 480});
        return sizes;
    }

    /**
     * @param name a file name from {@link #realJpegSizes()}
     * @return its bytes
     */
    public static byte[] load(String name) {
        try (InputStream in = SampleFrames.class.getResourceAsStream("frames/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no sample frame named " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A valid JPEG of exactly {@code size} bytes: {@code jpeg} with comment segments inserted
     * after its start-of-image marker.
     *
     * @param jpeg a valid JPEG
     * @param size the wanted size, equal to the JPEG's or at least 4 bytes larger
     * @return a new array
     */
    public static byte[] paddedTo(byte[] jpeg, int size) {
        int missing = size - jpeg.length;
        if (missing < 0 || (missing > 0 && missing < 4)) {
            throw new IllegalArgumentException("cannot pad " + jpeg.length + " bytes to " + size);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        out.write(jpeg, 0, 2);
        while (missing > 0) {
            int segment = Math.min(missing, 65_537); // marker (2) + length field covering 65535
            if (missing - segment > 0 && missing - segment < 4) {
                segment -= 4; // leave room for one more whole segment
            }
            int length = segment - 2;
            out.write(0xFF);
            out.write(0xFE);
            out.write(length >> 8);
            out.write(length & 0xFF);
            out.write(new byte[length - 2], 0, length - 2);
            missing -= segment;
        }
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    /**
     * @param size how many bytes
     * @return random bytes that are not a JPEG (the first byte is never {@code FF})
     */
    public static byte[] garbage(int size) {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        data[0] = 0x42;
        return data;
    }
}
