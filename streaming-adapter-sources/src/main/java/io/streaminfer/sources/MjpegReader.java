package io.streaminfer.sources;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;

/**
 * Frames of an MJPEG stream over HTTP ({@code multipart/x-mixed-replace}, what IP cameras and
 * {@code mjpg-streamer} serve), read in plain Java: the body is split into JPEGs by their
 * structure ({@link JpegStreamReader}), so part headers and boundaries need no parsing.
 * Credentials in the URL's userinfo are sent as HTTP Basic authentication. A camera that sends
 * nothing for {@link #READ_TIMEOUT} ends the connection.
 */
final class MjpegReader implements FrameReader {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    private final HttpURLConnection connection;
    private final InputStream body;
    private final JpegStreamReader frames;

    private MjpegReader(HttpURLConnection connection, InputStream body, int maxFrameBytes) {
        this.connection = connection;
        this.body = body;
        this.frames = new JpegStreamReader(body, maxFrameBytes);
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
        URI uri;
        URL url;
        try {
            uri = new URI(source.url());
            url = new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), uri.getQuery(), null).toURL();
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new IOException("the URL is not valid");
        }
        HttpURLConnection connection = (HttpURLConnection) url.openConnection();
        connection.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
        connection.setReadTimeout((int) READ_TIMEOUT.toMillis());
        connection.setInstanceFollowRedirects(false); // credentials must not follow a redirect elsewhere
        connection.setUseCaches(false);
        if (uri.getRawUserInfo() != null) {
            String userInfo = URLDecoder.decode(uri.getRawUserInfo(), StandardCharsets.UTF_8);
            connection.setRequestProperty("Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8)));
        }
        try {
            int status = connection.getResponseCode();
            if (status != HttpURLConnection.HTTP_OK) {
                throw new IOException("the camera answered HTTP " + status
                        + (status == 401 || status == 403 ? " (check the user and password in the URL)" : ""));
            }
            String type = connection.getContentType() == null ? "" : connection.getContentType().toLowerCase(Locale.ROOT);
            if (!type.startsWith("multipart/") && !type.startsWith("image/jpeg")) {
                throw new IOException("the URL serves '" + type.replaceAll("[^a-z0-9/.+;=_ -]", "")
                        + "', not an MJPEG stream (multipart/x-mixed-replace)");
            }
            return new MjpegReader(connection, new BufferedInputStream(connection.getInputStream(), 64 * 1024), maxFrameBytes);
        } catch (IOException e) {
            connection.disconnect();
            throw e;
        }
    }

    @Override
    public byte[] next() throws IOException {
        try {
            return frames.next();
        } catch (JpegStreamReader.ImageTooLarge e) {
            throw new IOException("a frame from the camera is larger than the frame limit (STREAM_MAX_FRAME_SIZE_MB)");
        } catch (java.net.SocketTimeoutException e) {
            throw new IOException("the camera sent nothing for " + READ_TIMEOUT.toSeconds() + " s");
        }
    }

    @Override
    public void close() {
        try {
            body.close();
        } catch (IOException e) {
            System.getLogger(MjpegReader.class.getName()).log(System.Logger.Level.TRACE, e::toString);
        }
        connection.disconnect();
    }
}
