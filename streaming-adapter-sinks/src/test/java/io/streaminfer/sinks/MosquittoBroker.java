package io.streaminfer.sinks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Debian's Mosquitto on a free port of 127.0.0.1, from a generated config (anonymous clients,
 * no persistence). It can be stopped and started again on the same port.
 */
final class MosquittoBroker implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/sbin/mosquitto");

    private final Path dir;
    private final int port;
    private final Path config;
    private Process process;
    private int starts;

    private MosquittoBroker(Path dir, int port) throws IOException {
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
    static void assumeInstalled() {
        assumeTrue(Files.isExecutable(BINARY),
                "mosquitto is not installed (apt-get install mosquitto); .ci/run installs it");
    }

    /**
     * @param dir a directory for the config and the broker's log
     * @return a running broker
     */
    static MosquittoBroker start(Path dir) throws IOException {
        MosquittoBroker broker = new MosquittoBroker(dir, freePort());
        broker.start();
        return broker;
    }

    /** Starts the broker (again) on its port and waits until it accepts connections. */
    void start() throws IOException {
        starts++;
        process = new ProcessBuilder(BINARY.toString(), "-c", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("mosquitto-" + starts + ".log").toFile())
                .start();
        await().atMost(SinkTimeouts.START).ignoreExceptions().until(this::accepts);
    }

    /** Stops the broker and waits until its port refuses connections. */
    void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(SinkTimeouts.START.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(SinkTimeouts.START.toSeconds(), TimeUnit.SECONDS);
        }
        process = null;
        await().atMost(SinkTimeouts.START).until(() -> !accepts());
    }

    /** @return {@code tcp://127.0.0.1:<port>} */
    String url() {
        return "tcp://127.0.0.1:" + port;
    }

    /** @return {@code tcp://<userInfo>@127.0.0.1:<port>} */
    String url(String userInfo) {
        return "tcp://" + userInfo + "@127.0.0.1:" + port;
    }

    /** @return what the broker logged since its last start */
    String log() throws IOException {
        return Files.readString(dir.resolve("mosquitto-" + starts + ".log"));
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private boolean accepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
