package io.streaminfer.app.cli;

import io.streaminfer.sources.JpegStreamReader;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/** Where the {@code stream} command's frames come from: a folder of JPEGs, an MJPEG file, or an MJPEG-over-HTTP camera. */
interface FrameSource extends AutoCloseable {

    /** The largest image a source hands out. */
    int MAX_IMAGE_BYTES = 64 * 1024 * 1024;

    /**
     * @return the next frame, or {@literal null} when the source has ended
     * @throws IOException when it cannot be read
     */
    byte[] next() throws IOException;

    /** @return whether frames come at the source's own pace (a camera) rather than whenever asked */
    boolean live();

    @Override
    void close() throws IOException;

    /**
     * @param source a folder, a file, or an {@code http(s)://} URL
     * @param client for URLs
     * @return the source, opened
     * @throws IOException when it cannot be opened; the message says why, for people
     */
    static FrameSource open(String source, HttpClient client) throws IOException {
        if (source.startsWith("http://") || source.startsWith("https://")) {
            return camera(URI.create(source), client);
        }
        Path path = Path.of(source);
        if (Files.isDirectory(path)) {
            List<Path> files = FrameFiles.jpegFiles(path);
            if (files.isEmpty()) {
                throw new IOException(path + " holds no .jpg or .jpeg files");
            }
            return folder(files);
        }
        if (!Files.isRegularFile(path)) {
            throw new IOException(source + " is neither a folder, a file, nor an http:// URL");
        }
        return stream(new BufferedInputStream(Files.newInputStream(path)), false);
    }

    private static FrameSource folder(List<Path> files) {
        Iterator<Path> it = files.iterator();
        return new FrameSource() {
            @Override
            public byte[] next() throws IOException {
                return it.hasNext() ? Files.readAllBytes(it.next()) : null;
            }

            @Override
            public boolean live() {
                return false;
            }

            @Override
            public void close() {
                // nothing held open between files
            }
        };
    }

    private static FrameSource camera(URI uri, HttpClient client) throws IOException {
        HttpResponse<InputStream> response;
        try {
            response = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while connecting to " + uri, e);
        }
        String type = response.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
        if (response.statusCode() != 200) {
            response.body().close();
            throw new IOException(uri + " answered HTTP " + response.statusCode());
        }
        if (!type.startsWith("multipart/x-mixed-replace") && !type.startsWith("image/jpeg")) {
            response.body().close();
            throw new IOException(uri + " is not an MJPEG stream: expected Content-Type multipart/x-mixed-replace"
                    + " (or image/jpeg), got '" + type + "'");
        }
        return stream(new BufferedInputStream(response.body()), true);
    }

    private static FrameSource stream(InputStream in, boolean live) {
        JpegStreamReader reader = new JpegStreamReader(in, MAX_IMAGE_BYTES);
        return new FrameSource() {
            @Override
            public byte[] next() throws IOException {
                try {
                    return reader.next();
                } catch (JpegStreamReader.ImageTooLarge e) {
                    throw new IOException(e.getMessage(), e);
                }
            }

            @Override
            public boolean live() {
                return live;
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        };
    }
}
