package io.streaminfer.core;

/**
 * A pipeline failure whose message is written for the client: the engine sends it as the
 * {@code detail} of the {@code pipeline_failure} error. Keep it a sentence; never a stack trace,
 * class name or file path.
 */
public class PipelineException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * @param detail a sentence for the client
     */
    public PipelineException(String detail) {
        super(detail);
    }

    /**
     * @param detail a sentence for the client
     * @param cause  what went wrong underneath (logged, not sent)
     */
    public PipelineException(String detail, Throwable cause) {
        super(detail, cause);
    }
}
