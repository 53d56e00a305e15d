package io.streaminfer.pipeline;

import io.streaminfer.core.FrameProcessor;
import io.streaminfer.core.PipelineInfo;
import io.streaminfer.core.PipelineRegistry;
import io.streaminfer.core.PipelineUnavailableException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The pipelines of a file: each session gets its own chain of step instances. Owns the
 * pipelines' sinks and models (let go of with {@link #close()}) and their telemetry.
 */
final class DefinedPipelineRegistry implements PipelineRegistry, AutoCloseable {

    private final Map<String, PipelineDefinition> definitions = new LinkedHashMap<>();
    private final List<PipelineInfo> infos;
    private final FrameDecoder decoder;
    private final DecodeLimits limits;
    private final PipelineTelemetry telemetry;
    private final PipelineSinks sinks;
    private final ModelLeases models;

    /**
     * @param previous the registry this one replaces, still open, or {@literal null}: its sinks
     *                 that are unchanged are carried over
     */
    DefinedPipelineRegistry(List<PipelineDefinition> pipelines, FrameDecoder decoder, DecodeLimits limits,
                            ModelLeases models, DefinedPipelineRegistry previous) {
        this.models = models;
        this.telemetry = previous == null ? new PipelineTelemetry() : previous.telemetry.successor();
        this.decoder = decoder;
        this.limits = limits;
        List<PipelineInfo> list = new ArrayList<>();
        for (PipelineDefinition pipeline : pipelines) {
            definitions.put(pipeline.id(), pipeline);
            pipeline.zones().forEach((zone, types) -> telemetry.declareZone(pipeline.id(), zone, types));
            if (pipeline.tracks()) {
                telemetry.declareTracking(pipeline.id());
            }
            list.add(new PipelineInfo(pipeline.id(), pipeline.stepNames(), pipeline.unavailableReason()));
        }
        this.infos = List.copyOf(list);
        this.sinks = new PipelineSinks(pipelines, previous == null ? null : previous.sinks);
    }

    @Override
    public List<PipelineInfo> pipelines() {
        return infos;
    }

    @Override
    public FrameProcessor open(String pipelineId) throws PipelineUnavailableException {
        return open(pipelineId, "-");
    }

    @Override
    public FrameProcessor open(String pipelineId, String sessionId) throws PipelineUnavailableException {
        PipelineDefinition pipeline = definitions.get(pipelineId);
        if (pipeline == null) {
            throw new PipelineUnavailableException("unknown pipeline '" + pipelineId + "'");
        }
        if (pipeline.unavailableReason() != null) {
            throw new PipelineUnavailableException(pipeline.unavailableReason());
        }
        EventPublisher publisher = sinks.publisher(pipelineId, sessionId);
        StepScope scope = new StepScope(pipelineId, sessionId, telemetry, publisher);
        List<Step> steps = new ArrayList<>();
        for (Function<StepScope, Step> step : pipeline.steps()) {
            steps.add(step.apply(scope));
        }
        return new ChainedPipeline(pipeline.keys(), steps, decoder, limits, publisher);
    }

    /** @return what the pipelines count across sessions */
    PipelineTelemetry telemetry() {
        return telemetry;
    }

    /** @return the pipelines' sinks, for their metrics */
    PipelineSinks sinks() {
        return sinks;
    }

    /**
     * Stops the sinks' threads (what is still queued is dropped) and lets go of the models (closed
     * when no other registry uses them). Call it once no processor of this registry runs.
     */
    @Override
    public void close() {
        sinks.close();
        models.close();
    }
}
