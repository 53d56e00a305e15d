package io.streaminfer.app.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** JPEG frames from a file, a folder (its {@code .jpg}/{@code .jpeg} files by name), or the built-in sample. */
final class FrameFiles {

    /** A 640x480 camera-like frame shipped with the web console. */
    static final String SAMPLE = "io/streaminfer/console/sample.jpg";

    private FrameFiles() {
    }

    /**
     * @param path a JPEG file or a folder of them, or {@literal null} for the built-in sample
     * @return the frames, in name order, never empty
     * @throws IllegalArgumentException with a sentence for people when there is nothing to send
     */
    static List<byte[]> load(Path path) {
        if (path == null) {
            try (InputStream in = FrameFiles.class.getClassLoader().getResourceAsStream(SAMPLE)) {
                if (in == null) {
                    throw new IllegalStateException("the built-in sample frame " + SAMPLE + " is missing from the class path");
                }
                return List.of(in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (!Files.exists(path)) {
            throw new IllegalArgumentException(path + " does not exist");
        }
        List<Path> files = jpegFiles(path);
        if (files.isEmpty()) {
            throw new IllegalArgumentException(path + " holds no .jpg or .jpeg files");
        }
        List<byte[]> frames = new ArrayList<>();
        for (Path file : files) {
            try {
                frames.add(Files.readAllBytes(file));
            } catch (IOException e) {
                throw new IllegalArgumentException(file + " cannot be read: " + e.getMessage(), e);
            }
        }
        return List.copyOf(frames);
    }

    /**
     * @param path a file or folder
     * @return the JPEG files it names or holds (not recursively), sorted by name
     */
    static List<Path> jpegFiles(Path path) {
        if (!Files.isDirectory(path)) {
            return List.of(path);
        }
        try (Stream<Path> entries = Files.list(path)) {
            return entries.filter(Files::isRegularFile)
                    .filter(p -> {
                        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
                        return name.endsWith(".jpg") || name.endsWith(".jpeg");
                    })
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new IllegalArgumentException(path + " cannot be listed: " + e.getMessage(), e);
        }
    }
}
