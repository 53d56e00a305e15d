package io.streaminfer.app;

import io.streaminfer.app.cli.BenchCommand;
import io.streaminfer.app.cli.HealthCommand;
import io.streaminfer.app.cli.StreamCommand;
import org.slf4j.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar streaming-app.jar}: reads the environment, starts the server, logs where it
 * listens, reloads its pipelines on SIGHUP, and stops gracefully on SIGTERM or Ctrl-C. Exit status 2 means a bad setting, 1 a
 * failed start. The {@code bench} and {@code stream} subcommands are clients of a server.
 */
@Command(name = "streaming-app", mixinStandardHelpOptions = true, versionProvider = StreamingServerMain.Version.class,
        subcommands = {BenchCommand.class, StreamCommand.class, HealthCommand.class},
        description = {"Runs the streaming inference server, configured from STREAM_* environment variables"
                + " (see docs/operations.md).", "With a subcommand, runs that client instead."})
public final class StreamingServerMain implements Callable<Integer> {

    StreamingServerMain() {
    }

    /** The jar's version, for {@code --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = StreamingServerMain.class.getPackage().getImplementationVersion();
            return new String[] {"streaming-app " + (version == null ? "(development build)" : version)};
        }
    }

    private static boolean isLoopback(String host) {
        return "localhost".equals(host) || host.startsWith("127.") || "::1".equals(host);
    }

    /**
     * @param args none to run the server (configured from the environment), or a subcommand
     */
    public static void main(String[] args) {
        int status = commandLine().execute(args);
        if (status != 0) {
            System.exit(status);
        }
    }

    /** @return the command line: the server, with the {@code bench} and {@code stream} subcommands */
    public static CommandLine commandLine() {
        return new CommandLine(new StreamingServerMain());
    }

    /** Runs the server until SIGTERM or Ctrl-C. */
    @Override
    public Integer call() {
        ServerSettings settings;
        try {
            settings = EnvironmentConfig.parse(System.getenv());
        } catch (ConfigurationException e) {
            System.err.println("configuration error: " + e.getMessage());
            return 2;
        }
        // read by logback.xml; set before the first logger is created
        System.setProperty("stream.log.format", settings.logFormat());
        System.setProperty("stream.log.level", settings.logLevel());
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        Logger log = LoggerFactory.getLogger("io.streaminfer.server");

        StreamingServer server;
        try {
            server = StreamingServer.start(settings);
        } catch (ConfigurationException e) {
            System.err.println("configuration error: " + e.getMessage());
            return 2;
        } catch (UncheckedIOException e) {
            log.atError().setMessage("startup_failed")
                    .addKeyValue("event", "startup_failed")
                    .addKeyValue("reason", "cannot listen: " + e.getCause().getMessage())
                    .log();
            return 1;
        }
        // before server_started: whoever waits for that line (an operator's script, a test) may send SIGHUP at once,
        // and a SIGHUP with no handler ends the JVM
        PipelineReloadSignal.install(server::reloadPipelines, log);
        log.atInfo().setMessage("server_started")
                .addKeyValue("event", "server_started")
                .addKeyValue("url", "ws://" + settings.host() + ":" + server.port() + "/ws/video/stream")
                .addKeyValue("port", server.port())
                .addKeyValue("server", settings.transport().name().toLowerCase(java.util.Locale.ROOT))
                .addKeyValue("management_url", "http://" + settings.managementHost() + ":" + server.managementPort())
                .addKeyValue("management_port", server.managementPort())
                .addKeyValue("pipelines", server.pipelineIds())
                .addKeyValue("unavailable", server.unavailablePipelines())
                .addKeyValue("pipelines_file", settings.pipelinesFile() == null ? "(built-in)" : settings.pipelinesFile().toString())
                .addKeyValue("sources", server.sources().ids())
                .addKeyValue("decoder", io.streaminfer.pipeline.Pipelines.decoderName())
                .addKeyValue("workers", settings.workers())
                .addKeyValue("models_dir", settings.models().directory().toString())
                .addKeyValue("model_threads", settings.models().threads())
                .addKeyValue("config", settings.stream().toString())
                .log();

        if (!isLoopback(settings.host()) && !settings.access().tokenRequired() && !settings.access().restrictsOrigins()) {
            log.atWarn().setMessage("open_to_the_network")
                    .addKeyValue("event", "open_to_the_network")
                    .addKeyValue("detail", "bound to " + settings.host() + " with no STREAM_ALLOWED_ORIGINS and no"
                            + " STREAM_AUTH_TOKEN: any web page a user visits can open streams to this server")
                    .log();
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.atInfo().setMessage("server_stopping")
                    .addKeyValue("event", "server_stopping")
                    .addKeyValue("grace_s", settings.shutdownGrace().toSeconds())
                    .log();
            boolean graceful = server.stop(settings.shutdownGrace());
            log.atInfo().setMessage("server_stopped")
                    .addKeyValue("event", "server_stopped")
                    .addKeyValue("graceful", graceful)
                    .log();
            flushLogs();
            stopped.countDown();
        }, "streaming-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** The logs go through an asynchronous appender: write out what it still holds before the JVM exits. */
    private static void flushLogs() {
        if (org.slf4j.LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context) {
            context.stop();
        }
    }
}
