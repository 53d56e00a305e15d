package io.streaminfer.tck;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/** What the kit's real servers run as processes ({@link Mosquitto}, {@link RtspServer}) share: a port of 127.0.0.1. */
final class LocalServerProcess {

    private LocalServerProcess() {
    }

    /** @return whether something accepts connections on the port of 127.0.0.1 now */
    static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Stops a server: its children at once, itself with SIGTERM (forcibly after {@code timeout}),
     * then waits until its port refuses connections.
     */
    static void stop(Process process, int port, Duration timeout) throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroy();
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(timeout.toSeconds(), TimeUnit.SECONDS);
        }
        await("port " + port + " refusing connections").atMost(timeout).until(() -> !accepts(port));
    }
}
