package io.streaminfer.sources;

import com.sun.net.httpserver.HttpServer;
import io.streaminfer.tck.RtspServer;
import io.streaminfer.tck.SampleFrames;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;

import static io.streaminfer.sources.SourceManager.Origin.SOURCES_FILE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * FFmpeg as a source runs it, on the inputs of issue 23's attacks: it must not render a text
 * file as video (its {@code tty} demuxer), play a playlist of local files, open a file segment
 * named by a playlist served over HTTP, follow a redirect, or see the server's environment, while
 * a video file and HLS over HTTP still play. Real FFmpeg, a real HTTP server on 127.0.0.1.
 */
class FfmpegWhitelistIntegrationTest {

    private static final int MAX_FRAME = 5 << 20;

    @TempDir
    static Path media;
    private static Path clip;
    private static Path segment;

    @BeforeAll
    static void clips() throws Exception {
        assumeTrue(Files.isExecutable(RtspServer.FFMPEG), "ffmpeg is not installed (apt-get install ffmpeg)");
        clip = RtspServer.panningClip(media, "coffee.mp4", SampleFrames.coffee(), 2);
        segment = media.resolve("segment.ts");
        Process remux = new ProcessBuilder(RtspServer.FFMPEG.toString(), "-nostdin", "-loglevel", "error", "-i", clip.toString(),
                "-c", "copy", "-f", "mpegts", segment.toString()).redirectErrorStream(true).start();
        assertThat(remux.waitFor()).as(new String(remux.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
    }

    /** Starts FFmpeg on a source of the sources file, the way a source does ("ffmpeg" found on the PATH). */
    private static FfmpegReader start(String url, SourceDefinition.Kind kind) throws Exception {
        SourceDefinition definition = new SourceDefinition("cam", url, "motion", 5, kind);
        AdmittedSource admitted = new SourceAdmission(null, AllowedHosts.any()).admit(definition, SOURCES_FILE);
        return FfmpegReader.start(admitted, "ffmpeg", MAX_FRAME, "test-ffmpeg-errors");
    }

    /** Reads until FFmpeg ends or {@code wanted} frames came. */
    private static List<byte[]> frames(FfmpegReader reader, int wanted) throws IOException {
        List<byte[]> frames = new ArrayList<>();
        byte[] frame;
        while (frames.size() < wanted && (frame = reader.next()) != null) {
            frames.add(frame);
        }
        return frames;
    }

    /** Waits for FFmpeg's exit, so its last error lines have been drained. */
    private static String errorsAfterExit(FfmpegReader reader) throws InterruptedException {
        ProcessHandle.of(reader.pid()).ifPresent(p -> p.onExit().join());
        // the drain thread reads FFmpeg's error pipe to its end after the exit; wait for that end
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> !reader.failureDetail().isEmpty());
        return reader.failureDetail();
    }

    private static HttpServer http() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        return server;
    }

    private static void serve(HttpServer server, String path, String type, byte[] body) {
        server.createContext(path, exchange -> {
            exchange.getResponseHeaders().set("Content-Type", type);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
    }

    private static String playlist(String segmentUrl) {
        return "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:2.0,\n"
                + segmentUrl + "\n#EXT-X-ENDLIST\n";
    }

    @Test
    @DisplayName("a video file still plays: frames come from file:<real path> with only the file protocol and video containers allowed")
    void aVideoFilePlays() throws Exception {
        FfmpegReader reader = start(clip.toString(), SourceDefinition.Kind.FFMPEG);
        try {
            assertThat(frames(reader, 3)).hasSize(3).allSatisfy(frame -> assertThat(frame).startsWith(0xFF, 0xD8));
        } finally {
            reader.close();
        }
    }

    @Test
    @DisplayName("a text file is not rendered as video: FFmpeg's tty demuxer is not on the format whitelist")
    void aTextFileIsNotVideo(@TempDir Path dir) throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            text.append("STREAM_AUTH_TOKEN=line-").append(i).append('\n');
        }
        Path notes = Files.writeString(dir.resolve("environ.txt"), text);
        FfmpegReader reader = start(notes.toString(), SourceDefinition.Kind.FFMPEG);
        try {
            assertThat(frames(reader, 1)).as("no picture of the text").isEmpty();
            assertThat(errorsAfterExit(reader)).contains("Format not on whitelist");
        } finally {
            reader.close();
        }
    }

    @Test
    @DisplayName("a local HLS playlist is refused: a playlist could list any file the server can read")
    void aLocalPlaylistIsRefused(@TempDir Path dir) throws Exception {
        Path list = Files.writeString(dir.resolve("list.m3u8"), playlist(segment.toUri().toString()));
        FfmpegReader reader = start(list.toString(), SourceDefinition.Kind.FFMPEG);
        try {
            assertThat(frames(reader, 1)).isEmpty();
            assertThat(errorsAfterExit(reader)).contains("Format not on whitelist");
        } finally {
            reader.close();
        }
    }

    @Test
    @DisplayName("HLS over HTTP plays, but a segment the playlist names as a file: URL is not opened")
    void hlsOverHttp() throws Exception {
        HttpServer server = http();
        serve(server, "/live.m3u8", "application/vnd.apple.mpegurl", playlist("segment.ts").getBytes(StandardCharsets.UTF_8));
        serve(server, "/segment.ts", "video/mp2t", Files.readAllBytes(segment));
        serve(server, "/evil.m3u8", "application/vnd.apple.mpegurl",
                playlist(segment.toUri().toString()).getBytes(StandardCharsets.UTF_8));
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        try {
            FfmpegReader live = start(base + "/live.m3u8", SourceDefinition.Kind.FFMPEG);
            try {
                assertThat(frames(live, 2)).hasSize(2);
            } finally {
                live.close();
            }
            FfmpegReader evil = start(base + "/evil.m3u8", SourceDefinition.Kind.FFMPEG);
            try {
                assertThat(frames(evil, 1)).as("the local file is not read").isEmpty();
                assertThat(errorsAfterExit(evil)).contains("Protocol 'file' not on whitelist");
            } finally {
                evil.close();
            }
        } finally {
            server.stop(0);
        }
    }

    @Test
    @DisplayName("an HTTP redirect is not followed: a source reaches the host its URL names, and no other")
    void redirectsAreNotFollowed() throws Exception {
        HttpServer server = http();
        serve(server, "/segment.ts", "video/mp2t", Files.readAllBytes(segment));
        server.createContext("/moved.ts", exchange -> {
            exchange.getResponseHeaders().set("Location", "/segment.ts");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        try {
            FfmpegReader direct = start(base + "/segment.ts", SourceDefinition.Kind.FFMPEG);
            try {
                assertThat(frames(direct, 1)).as("the stream itself plays").hasSize(1);
            } finally {
                direct.close();
            }
            FfmpegReader moved = start(base + "/moved.ts", SourceDefinition.Kind.FFMPEG);
            try {
                assertThat(frames(moved, 1)).isEmpty();
                assertThat(errorsAfterExit(moved)).isNotBlank();
            } finally {
                moved.close();
            }
        } finally {
            server.stop(0);
        }
    }

    @Test
    @DisplayName("FFmpeg runs with an empty environment: the server's tokens (planted by the build) are not in /proc/<pid>/environ")
    void anEmptyEnvironment() throws Exception {
        String planted = System.getenv("STREAM_AUTH_TOKEN");
        FfmpegReader reader = start(clip.toString(), SourceDefinition.Kind.FFMPEG);
        try {
            assertThat(frames(reader, 1)).as("FFmpeg was found on the PATH and runs").hasSize(1);
            byte[] environ = Files.readAllBytes(Path.of("/proc", Long.toString(reader.pid()), "environ"));
            assertThat(new String(environ, StandardCharsets.UTF_8)).isEmpty();
            if (planted != null) { // failsafe plants it (see the pom); an IDE run still checks the emptiness
                assertThat(new String(environ, StandardCharsets.UTF_8)).doesNotContain(planted);
            }
        } finally {
            reader.close();
        }
    }
}
