package io.streaminfer.app.cli;

import io.streaminfer.app.StreamingServerMain;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * One in-process run of the command line, as {@code java -jar streaming-app.jar ARGS} would do
 * it, with its stdout and stderr captured.
 *
 * @param status the exit status
 * @param out    what it printed on stdout
 * @param err    what it printed on stderr
 */
record CliRun(int status, String out, String err) {

    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = StreamingServerMain.commandLine()
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(args);
        return new CliRun(status, out.toString(), err.toString());
    }
}
