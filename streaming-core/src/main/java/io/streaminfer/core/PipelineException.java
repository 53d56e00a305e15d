package io.streaminfer.core;

import java.util.Optional;

/**
 * A pipeline failure whose message is written for the client: the engine sends it as the
 * {@code detail} of the {@code pipeline_failure} error. Keep it a sentence; never a stack trace,
 * class name or file path. It may name the step of the pipeline that failed, for operators.
 */
public class PipelineException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String step;

    /**
     * @param detail a sentence for the client
     */
    public PipelineException(String detail) {
        this(detail, null, null);
    }

    /**
     * @param detail a sentence for the client
     * @param cause  what went wrong underneath (logged, not sent)
     */
    public PipelineException(String detail, Throwable cause) {
        this(detail, null, cause);
    }

    /**
     * @param detail a sentence for the client
     * @param step   the step of the pipeline that failed, or {@literal null}
     * @param cause  what went wrong underneath (logged, not sent), or {@literal null}
     */
    public PipelineException(String detail, String step, Throwable cause) {
        super(detail, cause);
        this.step = step;
    }

    /**
     * @return the step that failed, when known
     */
    public Optional<String> step() {
        return Optional.ofNullable(step);
    }
}
