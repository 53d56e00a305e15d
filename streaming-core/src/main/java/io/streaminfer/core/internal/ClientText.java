package io.streaminfer.core.internal;

import java.util.regex.Pattern;

/**
 * Text that reaches a client in a {@code detail} but was written by someone else (a pipeline's
 * unavailable reason, a step's exception message): file paths are replaced, so an operator's
 * directory layout or model location never leaks, and the length is bounded. The log keeps the
 * original.
 */
public final class ClientText {

    private static final Pattern PATH = Pattern.compile("(?<![\\w.:/])(?:~?/|[A-Za-z]:\\\\)[^\\s,;'\")]+");
    private static final int MAX_LENGTH = 300;

    private ClientText() {
    }

    /**
     * @param text a sentence from outside the engine, possibly {@literal null}
     * @return the sentence with paths replaced by "(a file on the server)", at most 300 characters
     */
    public static String safe(String text) {
        if (text == null) {
            return "";
        }
        String cleaned = PATH.matcher(text).replaceAll("(a file on the server)");
        return cleaned.length() <= MAX_LENGTH ? cleaned : cleaned.substring(0, MAX_LENGTH) + "...";
    }
}
