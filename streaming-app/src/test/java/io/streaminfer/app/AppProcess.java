package io.streaminfer.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The app's jar as its own JVM, started the way the container image runs it ({@code -Xmx512m
 * -XX:+ExitOnOutOfMemoryError} here, as a 512 MB container would), on ephemeral ports read back
 * from its {@code server_started} log line. Reads what the operating system and the management
 * port say about it: its resident memory, threads, file descriptors, heap after a collection.
 * Every line it writes (stdout and stderr) is kept for assertions.
 */
final class AppProcess implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path JAR = Path.of("target", "streaming-app.jar");
    private static final Duration STARTUP = Duration.ofSeconds(60);

    private final Process process;
    private final List<String> lines;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final int port;
    private final int managementPort;
    private final JsonNode started;

    private AppProcess(Process process, List<String> lines, BlockingQueue<String> startup) throws InterruptedException {
        this.process = process;
        this.lines = lines;
        this.started = awaitStarted(startup);
        this.port = started.get("port").asInt();
        this.managementPort = started.get("management_port").asInt();
    }

    /**
     * @param jvmOptions options before {@code -jar}
     * @param env        variables, name then value; every other {@code STREAM_} variable is removed
     * @return the started server
     */
    static AppProcess start(List<String> jvmOptions, Map<String, String> env) throws IOException, InterruptedException {
        return start(List.of(), jvmOptions, env);
    }

    /**
     * @param launcher   a command the JVM is started through, e.g. {@code env --default-signal=HUP}
     * @param jvmOptions options before {@code -jar}
     * @param env        variables, name then value; every other {@code STREAM_} variable is removed
     * @return the started server
     */
    static AppProcess start(List<String> launcher, List<String> jvmOptions, Map<String, String> env)
            throws IOException, InterruptedException {
        if (!Files.exists(JAR)) {
            throw new AssertionError("the app jar is not built (" + JAR.toAbsolutePath() + "): run the package phase first");
        }
        List<String> command = new ArrayList<>(launcher);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(JAR.toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("STREAM_") || name.equals("JAVA_TOOL_OPTIONS"));
        builder.environment().putAll(env);
        Process process = builder.start();
        BlockingQueue<String> startup = new LinkedBlockingQueue<>();
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                    if (startup.size() < 10_000) {
                        startup.add(line); // read until server_started, then left alone
                    }
                }
            } catch (IOException e) {
                lines.add("(the test stopped reading the server's output: " + e + ")");
            }
        }, "app-output");
        reader.setDaemon(true);
        reader.start();
        try {
            return new AppProcess(process, lines, startup);
        } catch (AssertionError | RuntimeException e) {
            process.destroyForcibly();
            throw new AssertionError(e.getMessage() + "\noutput:\n" + String.join("\n", List.copyOf(lines)), e);
        }
    }

    private static JsonNode awaitStarted(BlockingQueue<String> startup) throws InterruptedException {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            String line = startup.poll(1, TimeUnit.SECONDS);
            if (line == null || !line.contains("server_started")) {
                continue;
            }
            try {
                return JSON.readTree(line);
            } catch (IOException e) {
                throw new AssertionError("server_started is not one JSON object: " + line, e);
            }
        }
        throw new AssertionError("the server did not log server_started within " + STARTUP);
    }

    int port() {
        return port;
    }

    int managementPort() {
        return managementPort;
    }

    long pid() {
        return process.pid();
    }

    /** @return the server_started event */
    JsonNode started() {
        return started;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** @return the exit status, when the process has ended */
    int exitValue() {
        return process.exitValue();
    }

    /** @return every line the server wrote so far */
    List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** @return the answer of the management port to GET {@code path} */
    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
                .timeout(Duration.ofSeconds(10)).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    PrometheusText metrics() throws IOException, InterruptedException {
        HttpResponse<String> response = get("/metrics");
        if (response.statusCode() != 200) {
            throw new AssertionError("/metrics answered " + response.statusCode());
        }
        return new PrometheusText(response.body());
    }

    /** @return resident memory in bytes (VmRSS) */
    long rssBytes() throws IOException {
        return statusField("VmRSS:") * 1024;
    }

    /** @return the process' threads, as the kernel counts them */
    long threads() throws IOException {
        return statusField("Threads:");
    }

    /** @return the open file descriptors */
    long fileDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid()), "fd"))) {
            return fds.count();
        }
    }

    /**
     * Asks the JVM for a full collection ({@code jcmd <pid> GC.run}: the server has no endpoint
     * for it) and reads the heap in use right after it from {@code /metrics}.
     *
     * @return bytes of heap in use after the collection
     */
    long heapAfterGc() throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process gc = new ProcessBuilder(jcmd.toString(), Long.toString(pid()), "GC.run").redirectErrorStream(true).start();
        String output = new String(gc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!gc.waitFor(60, TimeUnit.SECONDS) || gc.exitValue() != 0) {
            throw new AssertionError("jcmd GC.run failed: " + output);
        }
        return (long) metrics().sum("jvm_memory_used_bytes{area=\"heap\"");
    }

    private long statusField(String name) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
            if (line.startsWith(name)) {
                return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]);
            }
        }
        throw new AssertionError("no " + name + " in /proc/" + pid() + "/status");
    }

    /** Stops the server with SIGTERM (its graceful shutdown) and waits for it; then reads what it still wrote. */
    @Override
    public void close() throws InterruptedException {
        process.toHandle().destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
