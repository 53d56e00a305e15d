package io.streaminfer.core;

import io.streaminfer.core.internal.MapPipelineRegistry;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Port that knows the pipelines a server offers and opens one for a session.
 *
 * <p>The engine calls {@link #pipelines()} and {@link #open} on the transport's thread when a
 * client connects, concurrently for different clients; implementations must be thread-safe.
 * Each {@code open} returns a new {@link FrameProcessor} owned by one session; the engine
 * closes it when that session ends.
 */
public interface PipelineRegistry {

    /**
     * @return every pipeline, available or not, in a stable order; never {@literal null}
     */
    List<PipelineInfo> pipelines();

    /**
     * Creates the processor of one session.
     *
     * @param pipelineId an id listed by {@link #pipelines()} as available
     * @return a new processor, never {@literal null}
     * @throws PipelineUnavailableException when the pipeline cannot run, with the reason
     */
    FrameProcessor open(String pipelineId) throws PipelineUnavailableException;

    /**
     * Creates the processor of one session, knowing which session it serves (for what it reports
     * outside the session's own answers, like events sent to a broker). The engine calls this one;
     * the default ignores the id.
     *
     * @param pipelineId an id listed by {@link #pipelines()} as available
     * @param sessionId  the session's id, as {@link StreamSession#id()} and the logs show it
     * @return a new processor, never {@literal null}
     * @throws PipelineUnavailableException when the pipeline cannot run, with the reason
     */
    default FrameProcessor open(String pipelineId, String sessionId) throws PipelineUnavailableException {
        return open(pipelineId);
    }

    /**
     * @param pipelineId an id
     * @return the pipeline with that id, if any
     */
    default Optional<PipelineInfo> find(String pipelineId) {
        return pipelines().stream().filter(p -> p.id().equals(pipelineId)).findFirst();
    }

    /**
     * A registry of always-available pipelines built from code, each a factory of processors.
     *
     * @param pipelines pipeline id to processor factory, in the order to list them
     * @return never {@literal null}
     */
    static PipelineRegistry of(Map<String, ? extends Supplier<? extends FrameProcessor>> pipelines) {
        return new MapPipelineRegistry(pipelines);
    }
}
