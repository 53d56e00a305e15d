package io.streaminfer.sources;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SourcesFileTest {

    @Test
    @DisplayName("a sources file lists definitions in order, with the kind read from each URL and fps 10 by default")
    void readsDefinitions(@TempDir Path dir) throws Exception {
        List<SourceDefinition> sources = SourcesFile.parse("""
                [{"id": "door", "url": "rtsp://user:pw@10.0.0.7/stream1", "pipeline_id": "people", "fps": 5},
                 {"id": "yard", "url": "http://10.0.0.8/video.mjpg", "pipeline_id": "motion"},
                 {"id": "demo", "url": "%s", "pipeline_id": "objects", "fps": 0.5},
                 {"id": "clip", "url": "file:///srv/clip.mp4", "pipeline_id": "qr"},
                 {"id": "hls", "url": "https://cdn.example/live.m3u8", "pipeline_id": "qr", "kind": "ffmpeg"}]
                """.formatted(dir));
        assertThat(sources).extracting(SourceDefinition::id).containsExactly("door", "yard", "demo", "clip", "hls");
        assertThat(sources).extracting(SourceDefinition::kind).containsExactly(SourceDefinition.Kind.FFMPEG,
                SourceDefinition.Kind.MJPEG, SourceDefinition.Kind.FOLDER, SourceDefinition.Kind.FFMPEG, SourceDefinition.Kind.FFMPEG);
        assertThat(sources.get(1).fps()).isEqualTo(SourceDefinition.DEFAULT_FPS);
        assertThat(sources.get(2).fps()).isEqualTo(0.5);
        assertThat(sources.get(0).toString()).contains("rtsp://user:***@10.0.0.7/***").doesNotContain("pw").doesNotContain("stream1");
        // shown by the one rule: network URLs keep scheme, user, host and port; local files stay as written
        assertThat(sources).extracting(SourceDefinition::redactedUrl).containsExactly("rtsp://user:***@10.0.0.7/***",
                "http://10.0.0.8/***", dir.toString(), "file:///srv/clip.mp4", "https://cdn.example/***");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{}|expected a JSON array",
        "[{\"id\": \"a b\", \"url\": \"rtsp://x\", \"pipeline_id\": \"p\"}]|letters, digits",
        "[{\"url\": \"rtsp://x\", \"pipeline_id\": \"p\"}]|\"id\"",
        "[{\"id\": \"a\", \"pipeline_id\": \"p\"}]|has no \"url\"",
        "[{\"id\": \"a\", \"url\": \"rtsp://x\"}]|has no \"pipeline_id\"",
        "[{\"id\": \"a\", \"url\": \"rtsp://x\", \"pipeline_id\": \"p\", \"fps\": 0}]|\"fps\" must be above 0",
        "[{\"id\": \"a\", \"url\": \"rtsp://x\", \"pipeline_id\": \"p\", \"fps\": 61}]|at most 60",
        "[{\"id\": \"a\", \"url\": \"rtsp://x\", \"pipeline_id\": \"p\", \"fps\": \"10\"}]|\"fps\" must be a number",
        "[{\"id\": \"a\", \"url\": \"gopher://x\", \"pipeline_id\": \"p\"}]|the URL scheme 'gopher' is not accepted",
        "[{\"id\": \"a\", \"url\": \"rtsp://x\", \"pipeline_id\": \"p\", \"pipeline\": \"q\"}]|unknown key \"pipeline\"",
        "[{\"id\": \"a\", \"url\": \"rtsp://x\", \"pipeline_id\": \"p\", \"kind\": \"webcam\"}]|unknown source \"kind\" 'webcam'",
        "[{\"id\": \"a\", \"url\": \"rtsp://x\", \"pipeline_id\": \"p\"}, {\"id\": \"a\", \"url\": \"rtsp://y\", \"pipeline_id\": \"p\"}]|used twice",
        "[{\"id\": \"a\", \"url\": \"rtsp://x\", |not valid JSON at line 1",
    })
    @DisplayName("a mistake is refused with a sentence that names it")
    void refusesMistakes(String json, String reason) {
        assertThatThrownBy(() -> SourcesFile.parse(json)).isInstanceOf(SourceFileException.class).hasMessageContaining(reason);
    }

    @Test
    @DisplayName("a file that cannot be read or parsed is named in the message")
    void namesTheFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("sources.json"), "[1]");
        assertThatThrownBy(() -> SourcesFile.read(file)).hasMessageContaining(file.toString()).hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> SourcesFile.read(dir.resolve("missing.json"))).hasMessageContaining("cannot read the sources file");
    }

    @Test
    @DisplayName("FFmpeg reads RTSP over TCP with a read timeout, plays files at their own speed in a loop, and drops frames beyond fps before encoding")
    void ffmpegCommand() {
        List<String> rtsp = FfmpegReader.command(new AdmittedSource(SourceDefinition.of("door", "rtsp://u:p@cam/s", "motion", 10),
                null, null), "ffmpeg");
        assertThat(String.join(" ", rtsp)).contains("-rtsp_transport tcp -timeout 10000000",
                "-threads 1 -i rtsp://u:p@cam/s", "select='isnan(prev_selected_t)+gt(floor(t*10.0000)\\,floor(prev_selected_t*10.0000))'", "-f image2pipe pipe:1").doesNotContain("-re ");
        List<String> file = FfmpegReader.command(new AdmittedSource(SourceDefinition.of("clip", "/srv/clip.mp4", "motion", 2),
                Path.of("/srv/clip.mp4"), null), "/usr/bin/ffmpeg");
        assertThat(String.join(" ", file)).startsWith("/usr/bin/ffmpeg").contains("-re -stream_loop -1 -threads 1 -i file:/srv/clip.mp4",
                "floor(t*2.0000)").doesNotContain("rtsp_transport");
    }

    @Test
    @DisplayName("the password of a URL is known raw and decoded, so FFmpeg's messages can be masked in either form")
    void passwordsToMask() {
        assertThat(FfmpegReader.secrets("rtsp://viewer:p%40ss@cam/s")).containsExactly("p%40ss", "p@ss");
        assertThat(FfmpegReader.secrets("rtsp://viewer:plain@cam/s")).containsExactly("plain");
        assertThat(FfmpegReader.secrets("rtsp://viewer@cam/s")).isEmpty();
        assertThat(FfmpegReader.secrets("rtsp://cam/s")).isEmpty();
    }
}
