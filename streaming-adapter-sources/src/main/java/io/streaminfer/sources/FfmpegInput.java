package io.streaminfer.sources;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What FFmpeg may open for a source: its input options, from the protocols and container formats
 * the source's scheme needs and nothing more. FFmpeg opens whatever a URL, a playlist or a
 * container names ({@code concat:}, {@code subfile}, a file segment in an HLS playlist, a
 * {@code tty} rendering of a text file), so each input carries an explicit
 * {@code -protocol_whitelist} and {@code -format_whitelist}: a playlist or a stream that leads
 * anywhere else fails with FFmpeg's "not on whitelist", which ends up in {@code last_error}.
 *
 * <p>No whitelist holds a protocol that listens, and none of a file holds {@code hls},
 * {@code concat}, {@code image2} or {@code tty}. HTTP redirects are not followed
 * ({@code -max_redirects 0}, as the MJPEG reader does not follow them), so a source reaches the
 * host its URL names; the segments an HLS playlist lists are FFmpeg's to fetch (on any host, over
 * the whitelisted protocols).
 */
final class FfmpegInput {

    /** Containers a video file may be in. */
    static final String FILE_FORMATS = "mov,matroska,avi,mpegts,flv,h264,hevc,mjpeg";
    /** Containers a live byte stream (TCP, UDP) may carry. */
    private static final String STREAM_FORMATS = "mpegts,flv,matroska,h264,hevc,mjpeg";

    /**
     * @param protocols FFmpeg's {@code -protocol_whitelist}
     * @param formats   its {@code -format_whitelist}
     */
    record Whitelists(String protocols, String formats) {
    }

    private static final Map<String, Whitelists> BY_SCHEME = Map.of(
            // RTSP over its TCP connection (-rtsp_transport tcp): RTP is interleaved, no UDP socket opens
            "rtsp", new Whitelists("tcp", "rtsp"),
            "rtsps", new Whitelists("tcp,tls", "rtsp"),
            "rtmp", new Whitelists("rtmp,tcp", "flv,live_flv"),
            "rtmps", new Whitelists("rtmps,tls,tcp", "flv,live_flv"),
            "srt", new Whitelists("srt", "mpegts"),
            "udp", new Whitelists("udp", "mpegts,h264,hevc"),
            "rtp", new Whitelists("rtp,udp", "rtp"),
            "tcp", new Whitelists("tcp", STREAM_FORMATS),
            // HLS and plain HTTP streams; crypto for AES-128 segments (it opens its inner URL through this same list)
            "http", new Whitelists("http,https,tcp,tls,crypto", "hls,mpegts,mov,flv,matroska,h264,hevc,mjpeg"),
            "https", new Whitelists("http,https,tcp,tls,crypto", "hls,mpegts,mov,flv,matroska,h264,hevc,mjpeg"));
    private static final Whitelists FILE = new Whitelists("file", FILE_FORMATS);

    private FfmpegInput() {
    }

    /**
     * @param source the admitted source
     * @return what FFmpeg may open for it
     */
    static Whitelists whitelists(AdmittedSource source) {
        return source.local() ? FILE : BY_SCHEME.get(source.definition().location().scheme());
    }

    /**
     * @param source the admitted source
     * @return FFmpeg's input options, ending with {@code -i} and the input
     */
    static List<String> options(AdmittedSource source) {
        SourceUrl url = source.definition().location();
        Whitelists whitelists = whitelists(source);
        List<String> options = new ArrayList<>(List.of("-protocol_whitelist", whitelists.protocols(),
                "-format_whitelist", whitelists.formats()));
        switch (url.scheme()) {
            // TCP: no UDP ports to open, no packet loss smearing frames; a dead camera fails a read in 10 s;
            // a 1 s probe instead of 5: the first frame comes seconds sooner, and cameras send their streams at once
            case "rtsp", "rtsps" -> options.addAll(List.of("-rtsp_transport", "tcp", "-timeout", "10000000",
                    "-analyzeduration", "1000000"));
            case "http", "https" -> options.addAll(List.of("-max_redirects", "0"));
            default -> {
            }
        }
        if (source.local()) {
            options.addAll(List.of("-re", "-stream_loop", "-1")); // a file plays at its own speed, forever
        }
        // one decoding thread: a server runs many cameras, and FFmpeg's default (a thread per core
        // and more, per process) only makes them fight over the cores the pipelines need
        options.addAll(List.of("-threads", "1", "-i",
                // file: and the real path checked at admission: no other protocol can be read into the name
                source.local() ? "file:" + source.realPath() : url.forFfmpeg()));
        return options;
    }
}
