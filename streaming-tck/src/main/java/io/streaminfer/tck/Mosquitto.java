package io.streaminfer.tck;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real MQTT broker for tests of event sinks: Debian's Mosquitto ({@code apt-get install
 * mosquitto}) on a free port of 127.0.0.1, from a generated config (anonymous clients, no
 * persistence). It can be stopped and started again on the same port, to test a sink's recovery.
 */
public final class Mosquitto implements AutoCloseable {

    private static final java.time.Duration START = java.time.Duration.ofSeconds(15);

    /** Where Debian puts the broker. */
    public static final Path BINARY = Path.of("/usr/sbin/mosquitto");

    private final Path dir;
    private final int port;
    private final Path config;
    private Process process;
    private int starts;

    private Mosquitto(Path dir, int port) throws IOException {
        this.dir = dir;
        this.port = port;
        this.config = Files.writeString(dir.resolve("mosquitto.conf"), String.join("\n",
                "listener " + port + " 127.0.0.1",
                "allow_anonymous true",
                "persistence false",
                "log_dest stderr", // unbuffered, unlike stdout to a file
                "log_type error",
                "log_type warning",
                "log_type notice",
                "log_type information",
                ""));
    }

    /** Skips the calling test, with the reason, where Mosquitto is not installed. */
    public static void assumeInstalled() {
        assumeTrue(Files.isExecutable(BINARY),
                "mosquitto is not installed (apt-get install mosquitto); .ci/run installs it");
    }

    /**
     * @param dir a directory for the config and the broker's log
     * @return a running broker
     */
    public static Mosquitto start(Path dir) throws IOException {
        Mosquitto broker = new Mosquitto(dir, freePort());
        broker.start();
        return broker;
    }

    /** Starts the broker (again) on its port and waits until it accepts connections. */
    public void start() throws IOException {
        starts++;
        process = new ProcessBuilder(BINARY.toString(), "-c", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("mosquitto-" + starts + ".log").toFile())
                .start();
        await().atMost(START).ignoreExceptions().until(() -> LocalServerProcess.accepts(port));
    }

    /** Stops the broker and waits until its port refuses connections. */
    public void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        Process running = process;
        process = null;
        LocalServerProcess.stop(running, port, START);
    }

    /** @return {@code tcp://127.0.0.1:<port>} */
    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    /** @return {@code tcp://<userInfo>@127.0.0.1:<port>} */
    public String url(String userInfo) {
        return "tcp://" + userInfo + "@127.0.0.1:" + port;
    }

    /** @return what the broker logged since its last start */
    public String log() throws IOException {
        return Files.readString(dir.resolve("mosquitto-" + starts + ".log"));
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
