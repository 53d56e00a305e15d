package io.streaminfer.app.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code stream}: sends a folder of JPEGs, an MJPEG file, or an MJPEG-over-HTTP camera to a
 * pipeline and prints each of the server's messages as one JSON line on stdout.
 */
@Command(name = "stream", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Streams a folder of JPEGs, an MJPEG file or an MJPEG-over-HTTP camera URL to a pipeline",
                "and prints every message of the server as a JSON line. A summary goes to stderr."})
public final class StreamCommand implements Callable<Integer> {

    /** A live source's frame is skipped while this many sends are still queued (the client's own latest-frame-wins). */
    private static final int MAX_QUEUED_SENDS = 2;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SOURCE",
            description = "a folder of .jpg files, an MJPEG file, or an http:// URL serving multipart/x-mixed-replace")
    String source;

    @Mixin
    ServerTarget server = new ServerTarget();

    @Option(names = {"-p", "--pipeline"}, required = true, description = "pipeline_id")
    String pipeline;

    @Option(names = "--fps", description = "frames per second sent; default 10 for files, the camera's own pace for URLs")
    Double fps;

    @Option(names = "--max-frames", description = "stop after this many frames")
    Long maxFrames;

    @Option(names = "--drain", defaultValue = "10s", converter = DurationConverter.class,
            description = "how long to wait for the last answers (default: ${DEFAULT-VALUE})")
    Duration drain;

    private final AtomicLong answered = new AtomicLong();
    private final AtomicInteger queuedSends = new AtomicInteger();

    @Override
    public Integer call() throws Exception {
        ClientLogging.toStandardError();
        validate();
        URI uri = server.streamUri(spec.commandLine(), pipeline);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        HttpClient client = HttpClient.newHttpClient();
        ClientSocket socket;
        try {
            socket = ClientSocket.open(client, uri, server.token, Duration.ofSeconds(10), text -> {
                synchronized (out) {
                    out.println(text);
                    out.flush();
                }
                if (text.contains("\"frame_index\"")) {
                    answered.incrementAndGet();
                }
            }).join();
        } catch (CompletionException e) {
            err.println("stream: cannot connect to " + uri + ": " + ClientSocket.describe(e));
            return 1;
        }
        long sent = 0;
        long skipped = 0;
        try (FrameSource frames = FrameSource.open(source, client)) {
            double rate = fps != null ? fps : frames.live() ? 0 : 10;
            long period = rate > 0 ? (long) (1e9 / rate) : 0;
            long due = System.nanoTime();
            byte[] frame;
            while ((maxFrames == null || sent + skipped < maxFrames) && !socket.isClosed() && (frame = frames.next()) != null) {
                if (period > 0) {
                    sleepUntil(due);
                    due += period;
                }
                if (frames.live() && queuedSends.get() >= MAX_QUEUED_SENDS) {
                    skipped++;
                    continue;
                }
                queuedSends.incrementAndGet();
                socket.send(frame).whenComplete((ws, error) -> queuedSends.decrementAndGet());
                sent++;
            }
        } catch (IOException e) {
            err.println("stream: " + source + ": " + e.getMessage());
            socket.abort();
            return 1;
        }
        long drainEnd = System.nanoTime() + drain.toNanos();
        while (answered.get() < sent && !socket.isClosed() && System.nanoTime() < drainEnd) {
            TimeUnit.MILLISECONDS.sleep(10);
        }
        boolean closedByServer = socket.isClosed();
        socket.close();
        err.println("stream: sent " + sent + " frames" + (skipped > 0 ? " (skipped " + skipped + " while the connection was busy)" : "")
                + ", " + answered.get() + " answered");
        if (closedByServer) {
            err.println("stream: the server closed the connection with " + socket.closed().getNow(-1));
            return 1;
        }
        return 0;
    }

    private void validate() {
        if (fps != null && (fps <= 0 || fps > 10_000 || fps.isNaN())) {
            throw new ParameterException(spec.commandLine(), "--fps must be above 0 and at most 10000, got " + fps);
        }
        if (maxFrames != null && maxFrames < 1) {
            throw new ParameterException(spec.commandLine(), "--max-frames must be at least 1, got " + maxFrames);
        }
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long left = nanos - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }
}
