package io.streaminfer.sources;

/** A sources file or a source definition with a mistake; the message says which, for humans. */
public final class SourceFileException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong, as a sentence
     */
    public SourceFileException(String message) {
        super(message);
    }
}
