package io.streaminfer.app;

import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar streaming-app.jar}: reads the environment, starts the server, logs where it
 * listens, and stops gracefully on SIGTERM or Ctrl-C. Exit status 2 means a bad setting, 1 a
 * failed start.
 */
public final class StreamingServerMain {

    private static final String LOG_FORMAT = "%1$tFT%1$tT.%1$tLZ %4$s %3$s %5$s%6$s%n";

    private StreamingServerMain() {
    }

    /**
     * @param args ignored; configuration comes from the environment
     */
    public static void main(String[] args) {
        if (System.getProperty("java.util.logging.config.file") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", LOG_FORMAT);
        }
        System.Logger log = System.getLogger("io.streaminfer.server");
        ServerSettings settings;
        try {
            settings = EnvironmentConfig.parse(System.getenv());
        } catch (ConfigurationException e) {
            System.err.println("configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        StreamingServer server;
        try {
            server = StreamingServer.start(settings);
        } catch (UncheckedIOException e) {
            System.err.println("startup failed: cannot listen on " + settings.host() + ":" + settings.port()
                    + " (" + e.getCause().getMessage() + ")");
            System.exit(1);
            return;
        }
        log.log(Level.INFO, "server_started url=" + server.streamUri().toString().replace("127.0.0.1", settings.host())
                + " host=" + settings.host() + " port=" + server.port() + " pipelines=" + String.join(",", server.pipelineIds())
                + " workers=" + settings.workers() + " config=" + settings.stream());

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // java.util.logging resets its handlers in a shutdown hook of its own, so these lines go straight to stderr
            System.err.printf("%s INFO io.streaminfer.server server_stopping grace_s=%d%n",
                    Instant.now(), settings.shutdownGrace().toSeconds());
            boolean graceful = server.stop(settings.shutdownGrace());
            System.err.printf("%s INFO io.streaminfer.server server_stopped graceful=%b%n", Instant.now(), graceful);
            stopped.countDown();
        }, "streaming-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
