package io.streaminfer.sources;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The JPEG files of a folder ({@code .jpg}, {@code .jpeg}), in name order, over and over: for
 * demos and tests. The folder is listed once per connection; a file larger than the frame limit
 * fails the connection. A folder added through the management API is confined to
 * {@code STREAM_SOURCES_ROOT}: a file of it that is a symbolic link leading out of the root is
 * left out when listed, and fails the connection if it becomes one later.
 */
final class FolderReader implements FrameReader {

    private final List<Path> files;
    private final Path confinedTo;
    private final int maxFrameBytes;
    private volatile boolean closed;
    private int next;

    private FolderReader(List<Path> files, Path confinedTo, int maxFrameBytes) {
        this.files = files;
        this.confinedTo = confinedTo;
        this.maxFrameBytes = maxFrameBytes;
    }

    /**
     * @param folder        the folder
     * @param confinedTo    the folder its files must stay in, symbolic links resolved; {@literal null} for anywhere
     * @param maxFrameBytes larger files fail the connection
     * @return the reader
     * @throws IOException when the folder cannot be listed or holds no JPEG file
     */
    static FolderReader open(Path folder, Path confinedTo, int maxFrameBytes) throws IOException {
        List<Path> files;
        try (Stream<Path> entries = Files.list(folder)) {
            files = entries.filter(Files::isRegularFile).filter(FolderReader::isJpeg)
                    .filter(file -> confinedTo == null || within(file, confinedTo)).sorted().toList();
        } catch (IOException e) {
            throw new IOException("cannot list the folder");
        }
        if (files.isEmpty()) {
            throw new IOException("the folder holds no .jpg or .jpeg file");
        }
        return new FolderReader(files, confinedTo, maxFrameBytes);
    }

    private static boolean within(Path file, Path folder) {
        try {
            return file.toRealPath().startsWith(folder);
        } catch (IOException | SecurityException e) {
            return false; // gone or unreadable: not a frame either way
        }
    }

    private static boolean isJpeg(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".jpg") || name.endsWith(".jpeg");
    }

    @Override
    public byte[] next() throws IOException {
        if (closed) {
            return null;
        }
        Path file = files.get(next);
        next = (next + 1) % files.size();
        if (confinedTo != null && !within(file, confinedTo)) {
            throw new IOException("the file " + file.getFileName() + " leads out of STREAM_SOURCES_ROOT");
        }
        try {
            if (Files.size(file) > maxFrameBytes) {
                throw new IOException("the file " + file.getFileName() + " is larger than the frame limit");
            }
            return Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException("the file " + file.getFileName() + " is gone");
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}
