package io.streaminfer.sources;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;

/**
 * Frames of an MJPEG stream over HTTP ({@code multipart/x-mixed-replace}, what IP cameras and
 * {@code mjpg-streamer} serve), read in plain Java with the JDK's HTTP client: the body is split
 * into JPEGs by their structure ({@link JpegStreamReader}), so part headers and boundaries need no
 * parsing; they are bounded ({@value #MAX_PART_HEADER_BYTES} bytes between two images), so a
 * camera that sends endless headers fails at once with "part headers too long". Credentials in the URL's userinfo are sent as HTTP Basic authentication; redirects are
 * not followed (the credentials must not travel elsewhere). A camera that stops sending is cut by
 * the source's stall check, whose {@link #interrupt()} closes the body under the blocked read.
 */
final class MjpegReader implements FrameReader {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** How long the camera may take to answer with its headers. */
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);
    /**
     * The most bytes between two images: a boundary and a part's headers, a few hundred bytes from
     * any camera; a few KiB of headers or padding still pass.
     */
    static final int MAX_PART_HEADER_BYTES = 8 * 1024;

    /** One client for every MJPEG source of the process: one selector thread in all. */
    private static final class Client {
        static final HttpClient HTTP = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1) // cameras' web servers: no h2c upgrade offers
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    private final InputStream body;
    private final JpegStreamReader frames;

    private MjpegReader(InputStream body, int maxFrameBytes) {
        this.body = body;
        this.frames = new JpegStreamReader(new BufferedInputStream(body, 64 * 1024), maxFrameBytes, MAX_PART_HEADER_BYTES);
    }

    /**
     * Connects.
     *
     * @param source        the stream
     * @param maxFrameBytes larger JPEGs fail the connection
     * @return the open reader
     * @throws IOException when the camera cannot be reached or does not answer 200 with images
     */
    static MjpegReader open(SourceDefinition source, int maxFrameBytes) throws IOException {
        URI withCredentials;
        URI uri;
        try {
            withCredentials = new URI(source.url());
            // the raw path and query, so escaped characters in a signed query keep their meaning
            uri = new URI(withCredentials.getScheme() + "://" + withCredentials.getHost()
                    + (withCredentials.getPort() < 0 ? "" : ":" + withCredentials.getPort())
                    + (withCredentials.getRawPath() == null || withCredentials.getRawPath().isEmpty() ? "/" : withCredentials.getRawPath())
                    + (withCredentials.getRawQuery() == null ? "" : "?" + withCredentials.getRawQuery()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new IOException("the URL is not valid");
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(ANSWER_TIMEOUT).GET();
        if (withCredentials.getRawUserInfo() != null) {
            String userInfo = SourceDefinition.decodeUserInfo(withCredentials.getRawUserInfo());
            request.header("Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8)));
        }
        HttpResponse<InputStream> response;
        try {
            response = Client.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (java.net.http.HttpTimeoutException e) {
            throw new IOException("the camera did not answer within " + ANSWER_TIMEOUT.toSeconds() + " s");
        } catch (java.net.ConnectException e) {
            throw new IOException("cannot connect to the camera");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while connecting");
        } catch (IllegalArgumentException e) {
            throw new IOException("the URL is not valid");
        }
        int status = response.statusCode();
        String type = response.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
        if (status != 200 || !type.startsWith("multipart/")) {
            response.body().close();
            if (status != 200) {
                throw new IOException("the camera answered HTTP " + status
                        + (status == 401 || status == 403 ? " (check the user and password in the URL)" : ""));
            }
            throw new IOException("the URL serves '" + type.replaceAll("[^a-z0-9/.+;=_ -]", "")
                    + "', not an MJPEG stream (multipart/x-mixed-replace)" + (type.startsWith("image/")
                    ? ": it is a snapshot URL; use the camera's MJPEG or RTSP stream" : ""));
        }
        return new MjpegReader(response.body(), maxFrameBytes);
    }

    @Override
    public byte[] next() throws IOException {
        try {
            return frames.next();
        } catch (JpegStreamReader.ImageTooLarge e) {
            throw new IOException("a frame from the camera is larger than the frame limit (STREAM_MAX_FRAME_SIZE_MB)");
        } catch (JpegStreamReader.TooMuchBetweenImages e) {
            throw new IOException("part headers too long: the camera sent more than " + MAX_PART_HEADER_BYTES / 1024
                    + " KiB between two images");
        }
    }

    /** Closes the body: a blocked read ends at once. */
    @Override
    public void interrupt() {
        close();
    }

    @Override
    public void close() {
        try {
            body.close();
        } catch (IOException e) {
            System.getLogger(MjpegReader.class.getName()).log(System.Logger.Level.TRACE, e::toString);
        }
    }
}
