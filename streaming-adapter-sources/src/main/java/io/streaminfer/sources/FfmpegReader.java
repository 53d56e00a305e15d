package io.streaminfer.sources;

import io.streaminfer.protocol.Redaction;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Frames decoded by Debian's {@code ffmpeg} as a child process: it reads the URL (RTSP over TCP,
 * a looped video file at its own pace, the other accepted schemes) with no more protocols and
 * containers than the URL's scheme needs ({@link FfmpegInput}) and an empty environment, keeps at most {@code fps} frames a
 * second <em>before</em> encoding, and writes them as JPEGs back to back on its standard output,
 * which {@link JpegStreamReader} splits. Its standard error (at level {@code error}) is kept,
 * last lines only and credentials masked, to say why a connection ended.
 *
 * <p>Why a child process rather than JavaCV: the distribution's FFmpeg gets the codec and
 * security updates of the system, a crash or a leak in a decoder cannot take the server down,
 * killing the process frees everything it held, and the jar stays free of ~100 MB of native
 * libraries per platform.
 */
final class FfmpegReader implements FrameReader {

    private static final int KEPT_LINES = 5;
    /** How long FFmpeg may take to leave after SIGTERM before it is killed. */
    private static final long EXIT_WAIT_MS = 2_000;

    private final Process process;
    private final JpegStreamReader frames;
    private final ArrayDeque<String> lastLines = new ArrayDeque<>();
    private final String url;
    /** The URL's password as written and decoded: FFmpeg may quote the URL in either form. */
    private final List<String> secrets;

    private FfmpegReader(Process process, int maxFrameBytes, String url, List<String> secrets) {
        this.process = process;
        this.url = url;
        this.secrets = secrets;
        this.frames = new JpegStreamReader(new BufferedInputStream(process.getInputStream(), 256 * 1024), maxFrameBytes);
    }

    /**
     * Starts FFmpeg on a source, with an empty environment: the server's own (its tokens, say) is
     * nobody else's to read, and FFmpeg reads what it needs from its command line. The executable
     * is still found on the server's {@code PATH} (the JDK looks it up in its own environment).
     *
     * @param source        what to read
     * @param ffmpeg        the executable
     * @param maxFrameBytes larger JPEGs fail the connection
     * @param threadName    the name of the thread that drains FFmpeg's standard error
     * @return the running reader
     * @throws IOException when FFmpeg cannot be started (not installed)
     */
    static FfmpegReader start(AdmittedSource source, String ffmpeg, int maxFrameBytes, String threadName)
            throws IOException {
        String url = source.definition().url();
        List<String> secrets = secrets(url); // before the process exists: nothing after start may fail
        ProcessBuilder builder = new ProcessBuilder(command(source, ffmpeg));
        builder.environment().clear();
        builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IOException("cannot run ffmpeg (install Debian's ffmpeg, or set STREAM_FFMPEG to its path)");
        }
        FfmpegReader reader = new FfmpegReader(process, maxFrameBytes, url, secrets);
        try {
            Thread drain = new Thread(reader::drainErrors, threadName);
            drain.setDaemon(true);
            drain.start();
        } catch (RuntimeException | Error e) { // no thread to be had: FFmpeg must not outlive this attempt
            reader.close();
            throw e;
        }
        return reader;
    }

    /**
     * @param source what to read
     * @param ffmpeg the executable
     * @return FFmpeg's command line for it
     */
    static List<String> command(AdmittedSource source, String ffmpeg) {
        List<String> command = new ArrayList<>(List.of(ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error"));
        command.addAll(FfmpegInput.options(source));
        // drop frames before they are encoded: the first frame of each 1/fps slot of the stream's
        // timestamps, so a 25 fps camera read at 10 gives 10 (not every third frame: 8.33)
        String rate = String.format(Locale.ROOT, "%.4f", source.definition().fps());
        command.addAll(List.of("-an", "-sn", "-dn",
                "-vf", "select='isnan(prev_selected_t)+gt(floor(t*" + rate + ")\\,floor(prev_selected_t*" + rate + "))'",
                "-fps_mode", "vfr", "-pix_fmt", "yuvj420p", "-c:v", "mjpeg", "-q:v", "5", "-threads", "1",
                "-f", "image2pipe", "pipe:1"));
        return command;
    }

    /** @return the password of the URL's userinfo, raw and percent-decoded, or nothing */
    static List<String> secrets(String url) {
        int start = url.indexOf("://");
        int at = url.lastIndexOf('@');
        if (start < 0 || at < start) {
            return List.of();
        }
        String userInfo = url.substring(start + 3, at);
        int colon = userInfo.indexOf(':');
        if (colon < 0 || colon == userInfo.length() - 1) {
            return List.of();
        }
        String raw = userInfo.substring(colon + 1);
        String decoded = SourceDefinition.decodeUserInfo(raw);
        return raw.equals(decoded) ? List.of(raw) : List.of(raw, decoded);
    }

    @Override
    public byte[] next() throws IOException {
        try {
            return frames.next();
        } catch (JpegStreamReader.ImageTooLarge e) {
            throw new IOException("a frame from ffmpeg is larger than the frame limit (STREAM_MAX_FRAME_SIZE_MB)");
        }
    }

    @Override
    public String failureDetail() {
        synchronized (lastLines) {
            return String.join("; ", lastLines);
        }
    }

    private void drainErrors() {
        try (BufferedReader errors = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = errors.readLine()) != null) {
                // the URL as given, then any URL FFmpeg quotes in its own way (without userinfo, say), by the rule
                String shown = Redaction.urlsIn(line.replace(url, Redaction.url(url)));
                for (String secret : secrets) {
                    shown = shown.replace(secret, Redaction.MASK);
                }
                shown = shown.strip();
                if (shown.length() > 300) {
                    shown = shown.substring(0, 300) + "...";
                }
                synchronized (lastLines) {
                    if (lastLines.size() == KEPT_LINES) {
                        lastLines.removeFirst();
                    }
                    lastLines.addLast(shown);
                }
            }
        } catch (IOException e) {
            // the process went away: nothing more to drain
            synchronized (lastLines) {
                lastLines.addLast("(ffmpeg's error output closed: " + e.getMessage() + ")");
            }
        }
    }

    /** Sends FFmpeg SIGTERM and returns: its pipe closes, and a blocked read ends. */
    @Override
    public void interrupt() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroy();
    }

    /** Stops FFmpeg and its children: SIGTERM, then SIGKILL after {@value #EXIT_WAIT_MS} ms, and reaps it. */
    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroy();
        try {
            if (!process.waitFor(EXIT_WAIT_MS, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(EXIT_WAIT_MS, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        closeQuietly(process.getInputStream());
    }

    private static void closeQuietly(java.io.InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // closing a dead pipe: nothing to release
            System.getLogger(FfmpegReader.class.getName()).log(System.Logger.Level.TRACE, e::toString);
        }
    }

    /** @return the child's process id, for tests that count processes */
    long pid() {
        return process.pid();
    }
}
