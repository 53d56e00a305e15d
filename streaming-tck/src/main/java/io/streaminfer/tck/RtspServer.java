package io.streaminfer.tck;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real RTSP server for tests of camera sources: GStreamer's RTSP server (gst-rtsp-server, driven
 * by the small Python script {@code rtsp-test-server.py} shipped next to this class) serving an
 * H.264 .mp4 at {@code rtsp://127.0.0.1:<port>/clip}, RTP interleaved over the RTSP TCP connection
 * only (ffmpeg: {@code -rtsp_transport tcp}). Every client gets the clip from its first frame, in
 * real time, and EOF (ffmpeg exits 0) at its end. The first start takes a free port; it can be
 * stopped and started again on that port, to test a source's reconnection.
 */
public final class RtspServer implements AutoCloseable {

    private static final Duration START = Duration.ofSeconds(15);
    private static final Duration ENCODE = Duration.ofSeconds(60);

    /** Debian's interpreter: the GStreamer bindings (python3-gi) are not in pyenv or virtualenvs. */
    public static final Path PYTHON = Path.of("/usr/bin/python3");
    /** Debian's ffmpeg, which encodes the clips (libx264). */
    public static final Path FFMPEG = Path.of("/usr/bin/ffmpeg");
    /** The Debian packages this server needs (gstreamer1.0-plugins-base comes with -good anyway). */
    public static final String PACKAGES = "ffmpeg python3-gi gir1.2-gst-rtsp-server-1.0"
            + " gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad";

    private static final String SCRIPT = "rtsp-test-server.py";
    private static final Pattern PORT_LINE = Pattern.compile("PORT (\\d+)\\R");
    /** Imports the bindings and finds every element the script's pipeline uses. */
    private static final String CHECK = String.join("\n",
            "import gi",
            "gi.require_version('Gst', '1.0')",
            "gi.require_version('GstRtspServer', '1.0')",
            "from gi.repository import Gst, GstRtspServer",
            "Gst.init(None)",
            "missing = [e for e in ('filesrc', 'qtdemux', 'h264parse', 'rtph264pay')",
            "           if Gst.ElementFactory.find(e) is None]",
            "assert not missing, 'missing GStreamer elements: %s' % missing",
            "");
    private static Optional<String> missing;

    private final Path dir;
    private final Path clip;
    private final Path script;
    private int port; // 0 until the first start has bound one
    private Process process;
    private int starts;

    private RtspServer(Path dir, Path clip) throws IOException {
        this.dir = dir;
        this.clip = clip.toAbsolutePath();
        this.script = dir.resolve(SCRIPT);
        try (InputStream in = RtspServer.class.getResourceAsStream(SCRIPT)) {
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Skips the calling test, with the reason, where ffmpeg, Debian's python3 with GStreamer's
     * bindings, its RTSP server or one of the pipeline's plugins is missing.
     */
    public static synchronized void assumeInstalled() {
        if (missing == null) {
            missing = whatIsMissing();
        }
        assumeTrue(missing.isEmpty(), () -> missing.get() + " (apt-get install " + PACKAGES + ")");
    }

    private static Optional<String> whatIsMissing() {
        if (!Files.isExecutable(FFMPEG)) {
            return Optional.of(FFMPEG + " is not installed");
        }
        if (!Files.isExecutable(PYTHON)) {
            return Optional.of(PYTHON + " is not installed");
        }
        try {
            Path log = Files.createTempFile("rtsp-check", ".log");
            try {
                Process check = new ProcessBuilder(PYTHON.toString(), "-c", CHECK)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
                if (!check.waitFor(START.toSeconds(), TimeUnit.SECONDS)) {
                    check.destroyForcibly();
                    return Optional.of("checking GStreamer's RTSP server took over " + START.toSeconds() + " s");
                }
                if (check.exitValue() != 0) {
                    List<String> lines = Files.readAllLines(log);
                    return Optional.of("GStreamer's RTSP server is not usable from " + PYTHON + ": "
                            + (lines.isEmpty() ? "exit " + check.exitValue() : lines.get(lines.size() - 1)));
                }
                return Optional.empty();
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            return Optional.of("cannot run " + PYTHON + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while checking GStreamer's RTSP server");
        }
    }

    /**
     * @param dir a directory for the clip, the script and the server's logs; a clip made there
     *            before is used again
     * @return a running server of a 60 s, 320x240, 10 fps clip of ffmpeg's moving test pattern
     *         ({@code testsrc2}: every frame differs), a key frame every second
     */
    public static RtspServer start(Path dir) throws IOException, InterruptedException {
        Path clip = dir.resolve("testsrc2.mp4");
        if (!Files.exists(clip)) {
            encode(dir, clip, List.of("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=10", "-t", "60"));
        }
        return start(dir, clip);
    }

    /**
     * @param dir  a directory for the script and the server's logs
     * @param clip an .mp4 of H.264 video, e.g. from {@link #panningClip}
     * @return a running server of the clip
     */
    public static RtspServer start(Path dir, Path clip) throws IOException, InterruptedException {
        RtspServer server = new RtspServer(dir, clip);
        server.start();
        return server;
    }

    /**
     * Makes a clip of a real picture for detectors that need real content: a 10 fps camera pan
     * across the JPEG (a window of 7/8 of its size moving back and forth), so every frame differs.
     *
     * @param dir     where to write it; made there before, it is used again
     * @param name    the clip's file name, e.g. {@code astronaut.mp4}
     * @param jpeg    the picture, e.g. {@link SampleFrames#astronaut()}
     * @param seconds the clip's length
     * @return the clip
     */
    public static Path panningClip(Path dir, String name, byte[] jpeg, int seconds)
            throws IOException, InterruptedException {
        Path clip = dir.resolve(name);
        if (!Files.exists(clip)) {
            Path picture = Files.write(dir.resolve(name + ".jpg"), jpeg);
            encode(dir, clip, List.of("-loop", "1", "-framerate", "10", "-i", picture.toString(),
                    "-t", Integer.toString(seconds),
                    // even sizes for yuv420p; the window sweeps the spare eighth in 4 s
                    "-vf", "crop=w=trunc(iw*7/16)*2:h=trunc(ih*7/16)*2"
                            + ":x=(iw-ow)/2*(1+sin(t*PI/2)):y=(ih-oh)/2*(1+cos(t*PI/2))"));
        }
        return clip;
    }

    private static void encode(Path dir, Path clip, List<String> input) throws IOException, InterruptedException {
        Path partial = dir.resolve(clip.getFileName() + ".partial.mp4");
        Path log = dir.resolve(clip.getFileName() + ".ffmpeg.log");
        List<String> command = new ArrayList<>(List.of(FFMPEG.toString(), "-nostdin", "-y", "-loglevel", "error"));
        command.addAll(input);
        // H.264 High for the RTP payloader: no B-frames (low latency), a key frame every 10 frames
        // (a client starts decoding at once), moov in front
        command.addAll(List.of("-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
                "-g", "10", "-bf", "0", "-movflags", "+faststart", partial.toString()));
        Process ffmpeg = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!ffmpeg.waitFor(ENCODE.toSeconds(), TimeUnit.SECONDS)) {
            ffmpeg.destroyForcibly();
            throw new IOException("ffmpeg took over " + ENCODE.toSeconds() + " s to make " + clip);
        }
        if (ffmpeg.exitValue() != 0) {
            throw new IOException("ffmpeg could not make " + clip + ": " + Files.readString(log));
        }
        Files.move(partial, clip, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Starts the server (again): on a free port the first time, on the same port after; waits
     * until it has printed its port and accepts connections.
     */
    public void start() throws IOException {
        if (process != null) {
            throw new IllegalStateException("the RTSP server is running already on port " + port);
        }
        starts++;
        Path out = dir.resolve("rtsp-" + starts + ".out");
        process = new ProcessBuilder(PYTHON.toString(), script.toString(), clip.toString(), Integer.toString(port))
                .redirectOutput(out.toFile())
                .redirectError(dir.resolve("rtsp-" + starts + ".log").toFile())
                .start();
        Process started = process;
        await("the RTSP server's port line in " + out).atMost(START)
                .until(() -> !started.isAlive() || PORT_LINE.matcher(Files.readString(out)).find());
        if (!started.isAlive()) {
            process = null;
            throw new IOException("the RTSP server exited with " + started.exitValue() + ": " + log());
        }
        Matcher line = PORT_LINE.matcher(Files.readString(out));
        line.find();
        port = Integer.parseInt(line.group(1));
        await("the RTSP server accepting on port " + port).atMost(START).until(() -> LocalServerProcess.accepts(port));
    }

    /** Stops the server (and any child), dropping its clients, and waits until its port refuses connections. */
    public void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        Process running = process;
        process = null;
        LocalServerProcess.stop(running, port, START);
    }

    /** @return {@code rtsp://127.0.0.1:<port>/clip} */
    public URI uri() {
        return URI.create("rtsp://127.0.0.1:" + port + "/clip");
    }

    /** @return the port, the same across restarts */
    public int port() {
        return port;
    }

    /** @return the served clip */
    public Path clip() {
        return clip;
    }

    /** @return what the server logged (GStreamer's warnings) since its last start */
    public String log() {
        try {
            return Files.readString(dir.resolve("rtsp-" + starts + ".log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
