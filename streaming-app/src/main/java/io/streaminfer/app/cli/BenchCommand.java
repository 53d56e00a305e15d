package io.streaminfer.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench}: a load generator. N sessions stream frames at a camera's fixed rate or as fast
 * as answers allow, and the report says what came back and how late.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Streams frames from N sessions and reports answers, drops and latency.",
                "Counts are of frames sent in the measured window: sent = results + dropped + failed + unanswered."})
public final class BenchCommand implements Callable<Integer> {

    private static final Duration QUIET_BEFORE_RAMP = Duration.ofSeconds(3);
    private static final double MIN_FPS = 0.5;
    private static final int SESSIONS_PER_CLIENT = 64;
    private static final int MAX_CLIENTS = 8;

    @Spec
    CommandSpec spec;

    @Mixin
    ServerTarget server = new ServerTarget();

    @Option(names = {"-p", "--pipeline"}, defaultValue = "noop", description = "pipeline_id (default: ${DEFAULT-VALUE})")
    String pipeline;

    @Option(names = {"-n", "--sessions"}, defaultValue = "1", description = "concurrent sessions (default: ${DEFAULT-VALUE})")
    int sessions;

    @Option(names = "--frames", description = "a JPEG file or a folder of them (default: the built-in 640x480 sample)")
    Path frames;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Pace pace = new Pace();

    /** How frames are paced; one of the three. */
    static final class Pace {
        @Option(names = "--fps", description = "a camera: each session sends at this rate; latency counts from each"
                + " frame's scheduled time (the default, at 30)")
        Double fps;

        @Option(names = "--in-flight", description = "each session keeps this many frames unanswered, as fast as answers allow")
        Integer inFlight;

        @Option(names = "--idle", description = "open the sessions and send nothing (to measure what idle sessions cost)")
        boolean idle;
    }

    @Option(names = "--duration", defaultValue = "20s", converter = DurationConverter.class,
            description = "the measured window (default: ${DEFAULT-VALUE})")
    Duration duration;

    @Option(names = "--warmup", defaultValue = "2s", converter = DurationConverter.class,
            description = "streaming before the window, not counted (default: ${DEFAULT-VALUE})")
    Duration warmup;

    @Option(names = "--drain", defaultValue = "5s", converter = DurationConverter.class,
            description = "how long to wait for the last answers (default: ${DEFAULT-VALUE})")
    Duration drain;

    @Option(names = "--adaptive", description = "honour slow_down: send at recommended_fps, ramp back up after "
            + "3 s without one (with --fps)")
    boolean adaptive;

    @Option(names = "--server-pid", description = "the server's process id on this machine: report its CPU time per answer"
            + " (from /proc)")
    Long serverPid;

    @Option(names = "--connect-timeout", defaultValue = "10s", converter = DurationConverter.class,
            description = "per handshake (default: ${DEFAULT-VALUE})")
    Duration connectTimeout;

    @Option(names = "--json", description = "print the report as JSON")
    boolean json;

    private volatile boolean running;

    @Override
    public Integer call() throws Exception {
        ClientLogging.toStandardError();
        validate();
        URI uri = server.streamUri(spec.commandLine(), pipeline);
        List<byte[]> frameBytes;
        try {
            frameBytes = FrameFiles.load(frames);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--frames: " + e.getMessage());
        }
        // the JDK client does all I/O of its connections on one selector thread: spread large runs
        List<HttpClient> clients = new ArrayList<>();
        for (int i = 0; i < Math.min(MAX_CLIENTS, (sessions + SESSIONS_PER_CLIENT - 1) / SESSIONS_PER_CLIENT); i++) {
            clients.add(HttpClient.newHttpClient());
        }
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "bench-pacer");
            t.setDaemon(true);
            return t;
        });
        List<BenchSession> all = new ArrayList<>();
        try {
            int connected = connect(clients, uri, frameBytes, all);
            if (connected == 0) {
                spec.commandLine().getErr().println("bench: no session could connect to " + uri);
                return 1;
            }
            long start = System.nanoTime();
            BenchSession.Window window = new BenchSession.Window(start + warmup.toNanos(),
                    start + warmup.toNanos() + duration.toNanos());
            all.forEach(s -> s.measure(window));
            running = true;
            startPacing(scheduler, all, start, window);
            ServerCpu cpu = serverPid == null ? null : new ServerCpu(serverPid);
            pauseUntil(window.start());
            long cpuBefore = cpu == null ? 0 : cpu.micros();
            long clientCpuBefore = clientCpuMicros();
            pauseUntil(window.end());
            long cpuAfter = cpu == null ? 0 : cpu.micros();
            long clientCpu = clientCpuMicros() - clientCpuBefore;
            running = false;
            long drainEnd = System.nanoTime() + drain.toNanos();
            while (System.nanoTime() < drainEnd && all.stream().anyMatch(s -> !s.isClosed() && s.waitingForAnswers())) {
                Thread.sleep(20);
            }
            int closedEarly = (int) all.stream().filter(s -> s.socket() != null && s.isClosed()).count();
            List<BenchSession.Counts> counts = all.stream().filter(s -> s.socket() != null).map(BenchSession::counts).toList();
            long answers = counts.stream().mapToLong(c -> c.results() + c.dropped() + c.failed()).sum();
            Double cpuPerAnswer = cpu == null || answers == 0 ? null : (double) (cpuAfter - cpuBefore) / answers;
            BenchReport report = BenchReport.of(mode(), sessions, connected, closedEarly, duration, counts, cpuPerAnswer,
                    answers == 0 || clientCpu < 0 ? null : (double) clientCpu / answers);
            spec.commandLine().getOut().print(json ? report.toJson() + System.lineSeparator() : report.toTable());
            spec.commandLine().getOut().flush();
            return 0;
        } finally {
            running = false;
            scheduler.shutdownNow();
            all.stream().map(BenchSession::socket).filter(s -> s != null).forEach(ClientSocket::close);
        }
    }

    private void validate() {
        CommandLine cl = spec.commandLine();
        if (sessions < 1 || sessions > 100_000) {
            throw new ParameterException(cl, "--sessions must be between 1 and 100000, got " + sessions);
        }
        if (pace.fps != null && (pace.fps <= 0 || pace.fps > 10_000 || pace.fps.isNaN())) {
            throw new ParameterException(cl, "--fps must be above 0 and at most 10000, got " + pace.fps);
        }
        if (pace.inFlight != null && (pace.inFlight < 1 || pace.inFlight > 1000)) {
            throw new ParameterException(cl, "--in-flight must be between 1 and 1000, got " + pace.inFlight);
        }
        if (adaptive && (pace.inFlight != null || pace.idle)) {
            throw new ParameterException(cl, "--adaptive paces a camera: use it with --fps, not --in-flight or --idle");
        }
        if (duration.isZero() || duration.isNegative()) {
            throw new ParameterException(cl, "--duration must be above 0, got " + duration);
        }
        if (warmup.isNegative() || drain.isNegative()) {
            throw new ParameterException(cl, "--warmup and --drain must not be negative");
        }
        if (serverPid != null && !Files.isReadable(Path.of("/proc", serverPid.toString(), "stat"))) {
            throw new ParameterException(cl, "--server-pid " + serverPid + ": no such process on this machine (/proc/"
                    + serverPid + "/stat is not readable)");
        }
    }

    private double fps() {
        return pace.fps == null ? 30 : pace.fps;
    }

    private String mode() {
        if (pace.idle) {
            return "idle";
        }
        return pace.inFlight != null ? "in-flight=" + pace.inFlight
                : String.format(Locale.ROOT, "fps=%s%s", fps(), adaptive ? " adaptive" : "");
    }

    private int connect(List<HttpClient> clients, URI uri, List<byte[]> frameBytes, List<BenchSession> all) {
        List<CompletableFuture<ClientSocket>> handshakes = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            BenchSession session = new BenchSession(i, frameBytes, System::nanoTime);
            all.add(session);
            handshakes.add(ClientSocket.open(clients.get(i % clients.size()), uri, server.token, connectTimeout, text -> {
                if (session.onAnswer(text) && running && pace.inFlight != null) {
                    session.send(System.nanoTime());
                }
            }).whenComplete((socket, error) -> {
                if (socket != null) {
                    session.attach(socket);
                }
            }));
        }
        String firstFailure = null;
        int connected = 0;
        for (CompletableFuture<ClientSocket> handshake : handshakes) {
            try {
                handshake.join();
                connected++;
            } catch (RuntimeException e) {
                firstFailure = firstFailure == null ? ClientSocket.describe(e) : firstFailure;
            }
        }
        if (firstFailure != null) {
            spec.commandLine().getErr().println("bench: " + (sessions - connected) + " of " + sessions
                    + " sessions could not connect: " + firstFailure);
        }
        return connected;
    }

    private void startPacing(ScheduledExecutorService scheduler, List<BenchSession> all, long start,
                             BenchSession.Window window) {
        if (pace.idle) {
            return;
        }
        if (pace.inFlight != null) {
            for (BenchSession session : all) {
                for (int k = 0; k < pace.inFlight; k++) {
                    session.send(System.nanoTime());
                }
            }
            return;
        }
        long period = (long) (1e9 / fps());
        for (int i = 0; i < all.size(); i++) {
            Camera camera = new Camera(all.get(i), scheduler, window.end());
            camera.schedule(start + period * i / all.size());
        }
    }

    /** @return this process' CPU time in microseconds, or -1 where the JVM cannot tell */
    private static long clientCpuMicros() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() / 1000 : -1;
    }

    private static void pauseUntil(long nanos) throws InterruptedException {
        long left;
        while ((left = nanos - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    /** Sends one session's frames on a schedule, adapting to slow_down when asked. */
    private final class Camera {
        private final BenchSession session;
        private final ScheduledExecutorService scheduler;
        private final long end;
        private double currentFps = fps();
        private long appliedSlowDown = Long.MIN_VALUE;
        private long lastRamp;

        Camera(BenchSession session, ScheduledExecutorService scheduler, long end) {
            this.session = session;
            this.scheduler = scheduler;
            this.end = end;
        }

        void schedule(long due) {
            if (!running || due >= end) {
                return;
            }
            scheduler.schedule(() -> tick(due), Math.max(0, due - System.nanoTime()), TimeUnit.NANOSECONDS);
        }

        private void tick(long due) {
            if (!running || !session.send(due)) {
                return;
            }
            if (adaptive) {
                adapt(System.nanoTime());
            }
            schedule(due + (long) (1e9 / currentFps));
        }

        private void adapt(long now) {
            long slowDown = session.lastSlowDownNanos();
            if (slowDown != Long.MIN_VALUE && slowDown != appliedSlowDown) {
                appliedSlowDown = slowDown;
                currentFps = Math.max(MIN_FPS, Math.min(fps(), session.recommendedFps()));
                lastRamp = now;
            } else if (currentFps < fps() && (appliedSlowDown == Long.MIN_VALUE || now - appliedSlowDown > QUIET_BEFORE_RAMP.toNanos())
                    && now - lastRamp >= TimeUnit.SECONDS.toNanos(1)) {
                currentFps = Math.min(fps(), currentFps + fps() * 0.1);
                lastRamp = now;
            }
        }
    }

    /** The CPU time of a process on this machine, from {@code /proc/<pid>/stat}. */
    private static final class ServerCpu {
        /** Linux reports utime and stime in clock ticks of 1/100 s on every common configuration. */
        private static final long MICROS_PER_TICK = 10_000;
        private final Path stat;

        ServerCpu(long pid) {
            this.stat = Path.of("/proc", Long.toString(pid), "stat");
        }

        long micros() throws IOException {
            String text = Files.readString(stat);
            String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
            // after "pid (comm) ": state is field 3, utime 14 and stime 15 of the whole line
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * MICROS_PER_TICK;
        }
    }
}
