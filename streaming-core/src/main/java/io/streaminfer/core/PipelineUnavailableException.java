package io.streaminfer.core;

/**
 * Thrown by a {@link PipelineRegistry} that cannot open a pipeline for a session. The message
 * is sent to the client as the {@code detail} of an {@code invalid_pipeline} error.
 */
public final class PipelineUnavailableException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * @param detail a sentence for the client saying why
     */
    public PipelineUnavailableException(String detail) {
        super(detail);
    }
}
