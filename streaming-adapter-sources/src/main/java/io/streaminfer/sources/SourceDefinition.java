package io.streaminfer.sources;

import io.streaminfer.protocol.Redaction;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One source as an operator defines it (in the sources file or through the management API):
 * {@code {"id": "door", "url": "rtsp://...", "pipeline_id": "people_at_door", "fps": 10}}.
 * Validated when built; its text form hides credentials.
 *
 * @param id         a name for URLs and metrics: letters, digits, {@code _} and {@code -}, at most 64
 * @param url        where frames come from: {@code rtsp://}, {@code rtsps://}, {@code rtmp://},
 *                   {@code rtmps://}, {@code srt://}, {@code udp://}, {@code rtp://}, {@code tcp://}
 *                   (FFmpeg), {@code http(s)://} (an MJPEG stream, or HLS and the like with kind
 *                   {@code ffmpeg}), or a folder of JPEGs or a video file ({@code file://} or an
 *                   absolute path); anything else is refused ({@link SourceUrl})
 * @param pipelineId the pipeline every frame goes through
 * @param fps        at most this many frames per second go to the pipeline (0 &lt; fps &le; {@value #MAX_FPS})
 * @param kind       how the URL is read
 */
public record SourceDefinition(String id, String url, String pipelineId, double fps, Kind kind) {

    /** Frames per second when the definition names none. */
    public static final double DEFAULT_FPS = 10;
    /** The highest rate a source may ask for. */
    public static final double MAX_FPS = 60;

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    /** How a source's URL is read. */
    public enum Kind {
        /** A stream FFmpeg decodes (RTSP and the like, HLS, a video file): Debian's {@code ffmpeg} as a child process. */
        FFMPEG,
        /** An MJPEG stream over HTTP ({@code multipart/x-mixed-replace}, as IP cameras serve it), read in Java. */
        MJPEG,
        /** A folder of JPEG files, played in name order and looped. */
        FOLDER;

        /** @return the name the sources file uses */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @throws IllegalArgumentException with a sentence for humans when a value is wrong
     */
    public SourceDefinition {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("a source's \"id\" must be 1 to 64 letters, digits, '_' or '-'"
                    + (id == null ? "" : ", not '" + shorten(id) + "'"));
        }
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("source '" + id + "' has no \"url\"");
        }
        if (pipelineId == null || pipelineId.isBlank()) {
            throw new IllegalArgumentException("source '" + id + "' has no \"pipeline_id\"");
        }
        if (!(fps > 0 && fps <= MAX_FPS)) {
            throw new IllegalArgumentException("source '" + id + "': \"fps\" must be above 0 and at most " + (int) MAX_FPS
                    + ", not " + fps);
        }
        Objects.requireNonNull(kind, "kind");
        SourceUrl location = SourceUrl.parse(id, url);
        boolean http = location.scheme().equals("http") || location.scheme().equals("https");
        if (kind == Kind.MJPEG && !http) {
            throw new IllegalArgumentException("source '" + id + "': an MJPEG source reads an http:// or https:// URL");
        }
        if (kind == Kind.FOLDER && !location.local()) {
            throw new IllegalArgumentException("source '" + id + "': a folder source is an absolute path or a file:// URL");
        }
    }

    /**
     * A definition whose kind follows from its URL: {@code http(s)} is an MJPEG stream, a path to
     * a folder is a folder, anything else goes to FFmpeg.
     *
     * @param id         see the record
     * @param url        see the record
     * @param pipelineId see the record
     * @param fps        see the record
     * @return the definition
     * @throws IllegalArgumentException with a sentence for humans when a value is wrong
     */
    public static SourceDefinition of(String id, String url, String pipelineId, double fps) {
        return new SourceDefinition(id, url, pipelineId, fps, kindOf(id, url));
    }

    /**
     * @param id  the source's id, for the message
     * @param url the URL
     * @return how it is read by default
     * @throws IllegalArgumentException when the scheme is not one a source reads
     */
    static Kind kindOf(String id, String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("source '" + id + "' has no \"url\"");
        }
        SourceUrl location = SourceUrl.parse(id, url);
        if (location.scheme().equals("http") || location.scheme().equals("https")) {
            return Kind.MJPEG;
        }
        if (location.local()) {
            return java.nio.file.Files.isDirectory(location.path()) ? Kind.FOLDER : Kind.FFMPEG;
        }
        return Kind.FFMPEG;
    }

    /**
     * @param kind a kind's name as the sources file writes it
     * @return the kind
     * @throws IllegalArgumentException for an unknown name
     */
    static Kind kindNamed(String kind) {
        for (Kind k : Kind.values()) {
            if (k.wireName().equals(kind)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown source \"kind\" '" + shorten(kind) + "'; the kinds are ffmpeg, mjpeg, folder");
    }

    /** @return the URL read: its scheme, host or local path */
    SourceUrl location() {
        return SourceUrl.parse(id, url); // checked when built: cannot fail here
    }

    /** @return the URL as the server shows it ({@link Redaction#url}), for logs and the management API */
    public String redactedUrl() {
        return Redaction.url(url);
    }

    /**
     * @param raw a URL's userinfo (or its password) as written
     * @return it percent-decoded as a camera expects it: '+' stays a plus (it is not a space in a
     *         userinfo), and text with a '%' not followed by two hex digits stays as written (so
     *         does FFmpeg)
     */
    static String decodeUserInfo(String raw) {
        try {
            return java.net.URLDecoder.decode(raw.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return raw;
        }
    }

    private static String shorten(String text) {
        return SourceUrl.shorten(text);
    }

    @Override
    public String toString() {
        return "SourceDefinition[id=" + id + ", url=" + redactedUrl() + ", pipeline_id=" + pipelineId + ", fps=" + fps
                + ", kind=" + kind.wireName() + "]";
    }
}
