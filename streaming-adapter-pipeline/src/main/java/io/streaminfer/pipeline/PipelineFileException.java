package io.streaminfer.pipeline;

/**
 * A pipelines file that cannot be used. The message names the file, the pipeline, the step
 * and the key at fault, in one line, so that startup can stop with it.
 */
public final class PipelineFileException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message the whole sentence
     */
    public PipelineFileException(String message) {
        super(message, null, false, false);
    }
}
