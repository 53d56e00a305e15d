package io.streaminfer.tck;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Checks of the protocol's error messages, shared by the protocol kit's groups. */
final class ErrorMessages {

    /** A qualified Java name ({@code java.lang.IllegalStateException}) or a bare exception name. */
    private static final Pattern CLASS_NAME = Pattern.compile(
            "\\b[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+\\.[A-Z]\\w*|\\b[A-Z]\\w*(Exception|Error|Throwable)\\b");
    /** A frame of a stack trace ({@code \tat x.y(Z.java:12)}, {@code Caused by:}). */
    private static final Pattern STACK_TRACE = Pattern.compile("(?m)^\\s*at [\\w.$]+\\(|\\.java:\\d+|Caused by:");
    /**
     * A file path: under a usual root of Unix file systems, on a Windows drive, or a source or class
     * file (a URL path such as {@code /ws/video/stream} in advice to the client is fine).
     */
    private static final Pattern FILE_PATH = Pattern.compile(
            "(^|[^\\w.])/(usr|home|tmp|opt|etc|var|root|srv|mnt|proc|run|Users)/|\\b[A-Za-z]:\\\\\\w"
                    + "|\\w\\.(java|class|jar)\\b");

    private ErrorMessages() {
    }

    /**
     * @param message a message from the server
     * @param code    the error code it must carry
     * @return its {@code detail}
     */
    static String assertError(JsonNode message, String code) {
        assertThat(message).as("a message from the server").isNotNull();
        assertThat(message.has("error")).as("expected the error %s, got %s", code, message).isTrue();
        assertThat(message.get("error").asText()).as("error code of %s", message).isEqualTo(code);
        assertThat(message.has("detail")).as("detail of %s", message).isTrue();
        String detail = message.get("detail").asText();
        assertSentence(detail);
        return detail;
    }

    /**
     * The protocol's rule for {@code detail}: a sentence for humans, never a stack trace, a class
     * name or a file path.
     *
     * @param detail the detail of an error
     */
    static void assertSentence(String detail) {
        assertThat(detail).as("detail").isNotBlank().matches("(?s)\\p{L}.*\\s.*");
        assertThat(detail).as("detail names no class").doesNotContainPattern(CLASS_NAME);
        assertThat(detail).as("detail holds no stack trace").doesNotContainPattern(STACK_TRACE);
        assertThat(detail).as("detail names no file").doesNotContainPattern(FILE_PATH);
    }
}
