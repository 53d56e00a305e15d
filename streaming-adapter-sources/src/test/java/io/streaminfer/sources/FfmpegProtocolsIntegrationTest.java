package io.streaminfer.sources;

import io.streaminfer.tck.RtspServer;
import io.streaminfer.tck.SampleFrames;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.streaminfer.sources.SourceManager.Origin.SOURCES_FILE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every network scheme FFmpeg reads for a source still plays under its whitelists: a real FFmpeg
 * (or, for TCP, a Java socket) on 127.0.0.1 sends an H.264 clip in MPEG-TS or FLV, and the
 * source's FFmpeg decodes frames from it. RTSP is covered with GStreamer's server in the app's
 * {@code RtspSourceIntegrationTest}, HTTP and files in {@link FfmpegWhitelistIntegrationTest}.
 */
class FfmpegProtocolsIntegrationTest {

    private static final Duration PLAYS = Duration.ofSeconds(30);

    @TempDir
    static Path media;
    private static Path clip;
    private static Path stream;

    @BeforeAll
    static void clips() throws Exception {
        assumeTrue(Files.isExecutable(RtspServer.FFMPEG), "ffmpeg is not installed (apt-get install ffmpeg)");
        clip = RtspServer.panningClip(media, "coffee.mp4", SampleFrames.coffee(), 2); // a key frame every second
        stream = media.resolve("coffee.ts");
        Process remux = new ProcessBuilder(RtspServer.FFMPEG.toString(), "-nostdin", "-loglevel", "error", "-i", clip.toString(),
                "-c", "copy", "-f", "mpegts", stream.toString()).redirectErrorStream(true).start();
        assertThat(remux.waitFor()).as(new String(remux.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
    }

    /** FFmpeg sending the clip in a loop at its own pace; killed by {@link Process#destroyForcibly()}. */
    private static Process sender(Path input, String... output) throws IOException {
        List<String> command = new ArrayList<>(List.of(RtspServer.FFMPEG.toString(), "-nostdin", "-loglevel", "error", "-re",
                "-stream_loop", "-1", "-i", input.toString(), "-c", "copy"));
        command.addAll(List.of(output));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(media.resolve("sender.log").toFile()).start();
    }

    /** One connection of a source to the URL: whether it brought a frame (a listener may not be up yet). */
    private static boolean aFrameFrom(String url) throws Exception {
        SourceDefinition definition = SourceDefinition.of("cam", url, "motion", 5);
        AdmittedSource admitted = new SourceAdmission(null, AllowedHosts.any()).admit(definition, SOURCES_FILE);
        FfmpegReader reader = FfmpegReader.start(admitted, "ffmpeg", 5 << 20, "test-ffmpeg-errors");
        try {
            byte[] frame = reader.next();
            return frame != null && (frame[0] & 0xFF) == 0xFF && (frame[1] & 0xFF) == 0xD8;
        } finally {
            reader.close();
        }
    }

    private static int freeTcpPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    @DisplayName("tcp:// reads MPEG-TS from a TCP server")
    void tcp() throws Exception {
        byte[] ts = Files.readAllBytes(stream);
        try (ServerSocket server = new ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
            Thread serving = new Thread(() -> {
                while (!server.isClosed()) {
                    try (Socket client = server.accept(); OutputStream out = client.getOutputStream()) {
                        for (int i = 0; i < 20; i++) {
                            out.write(ts);
                        }
                    } catch (IOException e) {
                        // the reader hung up after its frame, or the test ended: serve the next one, or stop
                    }
                }
            }, "test-tcp-camera");
            serving.setDaemon(true);
            serving.start();
            assertThat(aFrameFrom("tcp://127.0.0.1:" + server.getLocalPort() + "?timeout=10000000")).isTrue();
        }
    }

    @Test
    @DisplayName("udp:// receives MPEG-TS datagrams")
    void udp() throws Exception {
        int port = freeUdpPort();
        Process sender = sender(stream, "-f", "mpegts", "udp://127.0.0.1:" + port + "?pkt_size=1316");
        try {
            await().atMost(PLAYS).until(() -> aFrameFrom("udp://127.0.0.1:" + port + "?timeout=5000000"));
        } finally {
            sender.destroyForcibly().waitFor();
        }
    }

    @Test
    @DisplayName("rtp:// receives MPEG-TS over RTP")
    void rtp() throws Exception {
        int port = freeUdpPort() & ~1; // RTP on an even port, RTCP on the next
        Process sender = sender(stream, "-f", "rtp_mpegts", "rtp://127.0.0.1:" + port);
        try {
            await().atMost(PLAYS).until(() -> aFrameFrom("rtp://127.0.0.1:" + port + "?timeout=5000000"));
        } finally {
            sender.destroyForcibly().waitFor();
        }
    }

    @Test
    @DisplayName("srt:// calls an SRT listener")
    void srt() throws Exception {
        int port = freeUdpPort();
        Process sender = sender(stream, "-f", "mpegts", "srt://127.0.0.1:" + port + "?mode=listener");
        try {
            await().atMost(PLAYS).until(() -> aFrameFrom("srt://127.0.0.1:" + port));
        } finally {
            sender.destroyForcibly().waitFor();
        }
    }

    @Test
    @DisplayName("rtmp:// plays a stream from an RTMP server")
    void rtmp() throws Exception {
        int port = freeTcpPort();
        Process sender = sender(clip, "-f", "flv", "-listen", "1", "rtmp://127.0.0.1:" + port + "/live/cam");
        try {
            await().atMost(PLAYS).until(() -> aFrameFrom("rtmp://127.0.0.1:" + port + "/live/cam"));
        } finally {
            sender.destroyForcibly().waitFor();
        }
    }
}
