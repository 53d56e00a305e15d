package io.streaminfer.pipeline;

import io.streaminfer.core.FrameProcessor;
import io.streaminfer.core.PipelineInfo;
import io.streaminfer.core.PipelineRegistry;
import io.streaminfer.core.PipelineUnavailableException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The pipelines of a file: each session gets its own chain of step instances. */
final class DefinedPipelineRegistry implements PipelineRegistry {

    private final Map<String, PipelineDefinition> definitions = new LinkedHashMap<>();
    private final List<PipelineInfo> infos;
    private final FrameDecoder decoder;
    private final DecodeLimits limits;

    DefinedPipelineRegistry(List<PipelineDefinition> pipelines, FrameDecoder decoder, DecodeLimits limits) {
        this.decoder = decoder;
        this.limits = limits;
        List<PipelineInfo> list = new ArrayList<>();
        for (PipelineDefinition pipeline : pipelines) {
            definitions.put(pipeline.id(), pipeline);
            list.add(new PipelineInfo(pipeline.id(), pipeline.stepNames(), pipeline.unavailableReason()));
        }
        this.infos = List.copyOf(list);
    }

    @Override
    public List<PipelineInfo> pipelines() {
        return infos;
    }

    @Override
    public FrameProcessor open(String pipelineId) throws PipelineUnavailableException {
        PipelineDefinition pipeline = definitions.get(pipelineId);
        if (pipeline == null) {
            throw new PipelineUnavailableException("unknown pipeline '" + pipelineId + "'");
        }
        if (pipeline.unavailableReason() != null) {
            throw new PipelineUnavailableException(pipeline.unavailableReason());
        }
        List<Step> steps = new ArrayList<>();
        for (Supplier<Step> step : pipeline.steps()) {
            steps.add(step.get());
        }
        return new ChainedPipeline(pipeline.keys(), steps, decoder, limits);
    }
}
