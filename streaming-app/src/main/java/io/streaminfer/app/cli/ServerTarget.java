package io.streaminfer.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.net.URI;

/** The options that say which server a client command talks to (a picocli mixin of {@code bench} and {@code stream}). */
final class ServerTarget {

    @Option(names = "--url", defaultValue = "ws://127.0.0.1:8080/ws/video/stream",
            description = "the stream endpoint (default: ${DEFAULT-VALUE})")
    URI url;

    @Option(names = "--token", description = "sent as 'Authorization: Bearer <token>'")
    String token;

    /**
     * @param commandLine the command, for its error messages
     * @param pipeline    the pipeline id asked for
     * @return the endpoint with its {@code pipeline_id}
     * @throws ParameterException when the URL or the pipeline id is not usable
     */
    URI streamUri(CommandLine commandLine, String pipeline) {
        if (!"ws".equals(url.getScheme()) && !"wss".equals(url.getScheme())) {
            throw new ParameterException(commandLine, "--url must start with ws:// or wss://, got '" + url + "'");
        }
        if (pipeline.isBlank() || !pipeline.matches("[A-Za-z0-9_.-]+")) {
            throw new ParameterException(commandLine, "--pipeline must be a pipeline id (letters, digits, _ . -), got '"
                    + pipeline + "'");
        }
        return URI.create(url + (url.getQuery() == null ? "?" : "&") + "pipeline_id=" + pipeline);
    }
}
