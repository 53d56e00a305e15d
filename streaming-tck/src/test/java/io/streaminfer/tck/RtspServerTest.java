package io.streaminfer.tck;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The RTSP test server as a pulling client sees it: Debian's ffmpeg over interleaved TCP. */
class RtspServerTest {

    @TempDir
    Path dir;

    @BeforeEach
    void installed() {
        RtspServer.assumeInstalled();
    }

    @Test
    void servesJpegsToFfmpegStopsAndServesAgainOnTheSamePort() throws Exception {
        try (RtspServer server = RtspServer.start(dir)) {
            int port = server.port();
            assertThat(server.uri()).isEqualTo(URI.create("rtsp://127.0.0.1:" + port + "/clip"));
            Grab first = grab(server.uri(), 5, "first");
            assertThat(first.exit).as(first.log).isZero();
            assertThat(first.jpegs).as(first.log).isEqualTo(5);

            server.stop();
            Grab stopped = grab(server.uri(), 5, "stopped");
            assertThat(stopped.exit).as(stopped.log).isNotZero();
            assertThat(stopped.jpegs).isZero();

            server.start();
            assertThat(server.port()).isEqualTo(port);
            Grab again = grab(server.uri(), 5, "again");
            assertThat(again.exit).as(again.log).isZero();
            assertThat(again.jpegs).as(again.log).isEqualTo(5);
        }
    }

    @Test
    void servesAPanOverARealPicture() throws Exception {
        Path clip = RtspServer.panningClip(dir, "astronaut.mp4", SampleFrames.astronaut(), 10);
        try (RtspServer server = RtspServer.start(dir, clip)) {
            Grab grab = grab(server.uri(), 3, "pan");
            assertThat(grab.exit).as(grab.log).isZero();
            assertThat(grab.jpegs).as(grab.log).isEqualTo(3);
        }
    }

    /** What {@code ffmpeg -rtsp_transport tcp -i <uri> -frames:v <frames> -f image2pipe -c:v mjpeg pipe:1} gave. */
    private record Grab(int exit, int jpegs, String log) {
    }

    private Grab grab(URI uri, int frames, String name) throws IOException, InterruptedException {
        Path out = dir.resolve(name + ".mjpeg");
        Path log = dir.resolve(name + ".ffmpeg.log");
        Process ffmpeg = new ProcessBuilder(List.of(RtspServer.FFMPEG.toString(), "-nostdin", "-loglevel", "error",
                "-rtsp_transport", "tcp", "-timeout", "5000000", "-i", uri.toString(),
                "-frames:v", Integer.toString(frames), "-f", "image2pipe", "-c:v", "mjpeg", "pipe:1"))
                .redirectOutput(out.toFile())
                .redirectError(log.toFile())
                .start();
        if (!ffmpeg.waitFor(30, TimeUnit.SECONDS)) {
            ffmpeg.destroyForcibly().waitFor();
        }
        return new Grab(ffmpeg.exitValue(), startsOfImage(Files.readAllBytes(out)), Files.readString(log));
    }

    /** Counts JPEG start-of-image markers: entropy-coded data never holds FF D8 (FF is stuffed). */
    private static int startsOfImage(byte[] bytes) {
        int count = 0;
        for (int i = 0; i + 2 < bytes.length; i++) {
            if ((bytes[i] & 0xFF) == 0xFF && (bytes[i + 1] & 0xFF) == 0xD8 && (bytes[i + 2] & 0xFF) == 0xFF) {
                count++;
            }
        }
        return count;
    }
}
