package io.streaminfer.tyrus;

import org.glassfish.grizzly.http.server.ServerConfiguration;

/**
 * Grizzly's error pages without Grizzly: its default page names the server and its version and
 * may carry an exception's message (which can hold the request URI, token included). Ours holds
 * the status and its standard phrase only.
 */
final class QuietPages {

    private QuietPages() {
    }

    static void apply(ServerConfiguration configuration) {
        configuration.setHttpServerName("");
        configuration.setHttpServerVersion("");
        configuration.setDefaultErrorPageGenerator((request, status, reasonPhrase, description, exception) ->
                page(status, reasonPhrase));
    }

    private static String page(int status, String phrase) {
        String text = status + " " + (phrase == null ? "" : phrase.replaceAll("[^A-Za-z -]", ""));
        return "<!DOCTYPE html><html><head><title>" + text + "</title></head><body><p>" + text + "</p></body></html>";
    }
}
