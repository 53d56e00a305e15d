package io.streaminfer.app.cli;

/** The client commands keep stdout for their output: logs (warnings only) go to stderr as text. */
final class ClientLogging {

    private ClientLogging() {
    }

    /** Call before anything logs. */
    static void toStandardError() {
        System.setProperty("stream.log.target", "System.err");
        System.setProperty("stream.log.format", "text");
        System.setProperty("stream.log.level", "warn");
    }
}
