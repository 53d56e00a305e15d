package io.streaminfer.sources;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a source's URL may be: the schemes, paths and query options that reach FFmpeg or the MJPEG reader. */
class SourceUrlTest {

    private static SourceDefinition definition(String url, String kind) throws SourceFileException {
        String json = "{\"id\": \"cam\", \"url\": \"" + url.replace("\\", "\\\\").replace("\"", "\\\"")
                + "\", \"pipeline_id\": \"motion\"" + (kind == null ? "" : ", \"kind\": \"" + kind + "\"") + "}";
        return SourcesFile.definition(json);
    }

    @ParameterizedTest(name = "{0} (kind {1})")
    @CsvSource(delimiter = '^', nullValues = "-", value = {
        // FFmpeg's pseudo-protocols, which the old "scheme before ://" rule took for local files
        "concat:/proc/self/environ|/etc/os-release.txt^-^the URL scheme 'concat' is not accepted",
        "concat:/proc/self/environ|/etc/os-release.txt^ffmpeg^the URL scheme 'concat' is not accepted",
        "subfile,,start,0,end,100,,:/etc/passwd^-^neither a URL with an accepted scheme nor an absolute path",
        "pipe:0^ffmpeg^the URL scheme 'pipe' is not accepted",
        "data:video/mp2t;base64,R0lG^-^the URL scheme 'data' is not accepted",
        "crypto+file:///etc/passwd^-^the URL scheme 'crypto+file' is not accepted",
        "gopher://127.0.0.1/x^-^the URL scheme 'gopher' is not accepted",
        "unix:///run/docker.sock^-^the URL scheme 'unix' is not accepted",
        // relative paths: no telling where they lead
        "frames/demo^-^write a local file or folder as an absolute path",
        "~/frames^-^write a local file or folder as an absolute path",
        "./clip.mp4^ffmpeg^write a local file or folder as an absolute path",
        "file:clip.mp4^-^file:///absolute/path",
        "file://otherhost/srv/clip.mp4^-^file:///absolute/path",
        "file:///srv/clip.mp4?x=1^-^file:///absolute/path",
        // FFmpeg listening or binding instead of connecting out
        "tcp://127.0.0.1:9999?listen=1^-^the URL's option 'listen' would make the server listen",
        "tcp://127.0.0.1:9999?listen^-^the URL's option 'listen' would make the server listen",
        "tcp://127.0.0.1:9999?li%73ten=1^-^the URL's option 'listen' would make the server listen",
        "tcp://127.0.0.1:9999?timeout=1&local_port=80^-^the URL's option 'local_port' would make the server listen",
        // options hidden from Java's query where FFmpeg still reads them (FFmpeg 5.1 listened on each of these)
        "tcp://127.0.0.1:39999#?listen=1^-^has no fragment",
        "srt://127.0.0.1:40002#?mode=listener^-^has no fragment",
        "rtp://198.51.100.1:40004#?localport=40010^-^has no fragment",
        "tcp://127.0.0.1:1?timeout=1#&listen=1^-^has no fragment",
        "tcp://127.0.0.1:1?timeout=1?listen=1^-^has one '?' before its options",
        "tcp://127.0.0.1:9999?tcp_nodelay=1^-^a tcp:// URL takes no option 'tcp_nodelay'; its options are timeout",
        "udp://239.0.0.1:5000?localaddr=10.0.0.1^-^the URL's option 'localaddr'",
        "udp://239.0.0.1:5000?pkt_size=1316^-^a udp:// URL takes no option 'pkt_size'",
        "rtp://239.0.0.1:5004?rtcpport=5001^-^the URL's option 'rtcpport'",
        "rtp://239.0.0.1:5004?ttl=4^-^a rtp:// URL takes no option 'ttl'",
        "srt://127.0.0.1:9000?mode=listener^-^mode 'listener' would make the server listen",
        "srt://127.0.0.1:9000?mode=rendezvous^-^mode 'rendezvous' would make the server listen",
        "rtmp://127.0.0.1/live/x?listen=1^-^the URL's option 'listen'",
        "http://127.0.0.1:8080/live.m3u8?listen=1^ffmpeg^the URL's option 'listen'",
        "rtsp://127.0.0.1/s?listen_timeout=5^-^the URL's option 'listen_timeout'",
        // URLs the JDK and FFmpeg could read differently, or with no host
        "rtsp://viewer:p@ss@cam/stream^-^percent-encoded ('@' as %40",
        "rtsp:cam/stream^-^it names no host",
        "udp://:5000^-^it names no valid host",
        // kinds that cannot read the URL
        "rtsp://cam/stream^mjpeg^an MJPEG source reads an http:// or https:// URL",
        "/srv/clip.mp4^mjpeg^an MJPEG source reads an http:// or https:// URL",
        "rtsp://cam/stream^folder^a folder source is an absolute path or a file:// URL",
    })
    @DisplayName("a URL that is not a documented kind, or asks FFmpeg to listen, is refused with a sentence that says what is accepted")
    void refused(String url, String kind, String reason) {
        assertThatThrownBy(() -> definition(url, kind)).isInstanceOf(SourceFileException.class)
                .hasMessageStartingWith("source 'cam': ").hasMessageContaining(reason);
    }

    @Test
    @DisplayName("an unknown scheme's refusal lists every accepted kind of URL")
    void refusalListsWhatIsAccepted() {
        assertThatThrownBy(() -> definition("concat:/etc/passwd", null)).hasMessageContaining(
                "rtsp://, rtsps://, rtmp://, rtmps://, srt://, udp://, rtp://, tcp://", "http:// or https://",
                "absolute path or a file:// URL");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '^', nullValues = "-", value = {
        "rtsp://viewer:p%40ss@192.168.1.20/stream2^-^ffmpeg",
        "rtsps://cam.example.org:322/s^-^ffmpeg",
        "rtmp://127.0.0.1/live/x^-^ffmpeg",
        "rtmps://live.example.org/app/key^-^ffmpeg",
        "srt://127.0.0.1:9000^-^ffmpeg",
        "srt://127.0.0.1:9000?mode=caller^-^ffmpeg",
        "udp://239.1.1.1:5000?fifo_size=100000&overrun_nonfatal=1^-^ffmpeg",
        "rtp://239.1.1.1:5004^-^ffmpeg",
        "tcp://127.0.0.1:9000?timeout=5000000^-^ffmpeg",
        "http://192.168.1.21/video.mjpg^-^mjpeg",
        "https://cdn.example.org/live.m3u8^ffmpeg^ffmpeg",
        "/srv/clip.mp4^-^ffmpeg",
        "file:///srv/clip.mp4^-^ffmpeg",
    })
    @DisplayName("the documented kinds of URL are accepted, with the kind they imply")
    void accepted(String url, String kind, String implied) throws Exception {
        assertThat(definition(url, kind).kind().wireName()).isEqualTo(implied);
    }

    @Test
    @DisplayName("FFmpeg gets the URL as written with its scheme in lower case, and a path with '..' is normalised before any check")
    void normalised() {
        assertThat(SourceDefinition.of("cam", "RTSP://Cam.Example.org/Stream", "motion", 10).location().forFfmpeg())
                .isEqualTo("rtsp://Cam.Example.org/Stream");
        assertThat(SourceDefinition.of("cam", "RTSP://Cam.Example.org/Stream", "motion", 10).location().host())
                .isEqualTo("cam.example.org");
        assertThat(SourceDefinition.of("cam", "rtsp://[::1]:8554/s", "motion", 10).location().host()).isEqualTo("::1");
        assertThat(SourceDefinition.of("cam", "/srv/frames/../../etc/passwd", "motion", 10).location().path())
                .isEqualTo(Path.of("/etc/passwd"));
        assertThat(SourceDefinition.of("cam", "file:///srv/a%20b/../clip.mp4", "motion", 10).location().path())
                .isEqualTo(Path.of("/srv/clip.mp4"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"rtsp://cam/s", "/srv/clip.mp4", "https://cdn.example.org/live.m3u8"})
    @DisplayName("a definition built in code is checked like one read from JSON")
    void checkedWhenBuilt(String url) {
        assertThatThrownBy(() -> new SourceDefinition("cam", "concat:" + url, "motion", 10, SourceDefinition.Kind.FFMPEG))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the URL scheme 'concat' is not accepted");
    }
}
