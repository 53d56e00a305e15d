package io.streaminfer.sources;

/** A source that cannot be added; the message says why, for humans. */
public final class SourceRefusedException extends Exception {

    private static final long serialVersionUID = 1L;

    private final boolean conflict;
    private final boolean stopping;

    /**
     * @param message  why, as a sentence
     * @param conflict whether a source with that id exists already (HTTP 409), else the definition is wrong (400)
     */
    public SourceRefusedException(String message, boolean conflict) {
        this(message, conflict, false);
    }

    SourceRefusedException(String message, boolean conflict, boolean stopping) {
        super(message);
        this.conflict = conflict;
        this.stopping = stopping;
    }

    /** @return whether the server is stopping (HTTP 503), not a fault of the definition */
    public boolean stopping() {
        return stopping;
    }

    /** @return whether a source with that id exists already */
    public boolean conflict() {
        return conflict;
    }
}
