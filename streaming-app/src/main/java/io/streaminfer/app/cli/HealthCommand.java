package io.streaminfer.app.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code health}: asks a server's management listener whether it is healthy, for container
 * health checks on images that have no curl. Exit status 0 when it answers 200, 1 otherwise.
 */
@Command(name = "health", mixinStandardHelpOptions = true,
        description = {"Checks a server's /health (or /ready) endpoint: exit status 0 when it answers 200, else 1.",
                "Made for container health checks; reads STREAM_MANAGEMENT_PORT like the server."})
public final class HealthCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--url", description = "what to ask (default: http://127.0.0.1:$STREAM_MANAGEMENT_PORT/health,"
            + " port 9090 when unset)")
    URI url;

    @Option(names = "--ready", description = "ask /ready instead: is it accepting streams")
    boolean ready;

    @Option(names = "--timeout", defaultValue = "3s", converter = DurationConverter.class,
            description = "how long to wait (default: ${DEFAULT-VALUE})")
    Duration timeout;

    @Override
    public Integer call() {
        ClientLogging.toStandardError();
        URI target = url != null ? url : URI.create("http://127.0.0.1:" + managementPort() + (ready ? "/ready" : "/health"));
        try {
            HttpResponse<String> response = HttpClient.newBuilder().connectTimeout(timeout).build()
                    .send(HttpRequest.newBuilder(target).timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofString());
            spec.commandLine().getOut().println(response.statusCode() + " " + response.body().strip());
            return response.statusCode() == 200 ? 0 : 1;
        } catch (IOException e) {
            spec.commandLine().getErr().println("health: " + target + " did not answer: " + e);
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private static String managementPort() {
        String port = System.getenv("STREAM_MANAGEMENT_PORT");
        return port == null || port.isBlank() ? "9090" : port.trim();
    }
}
