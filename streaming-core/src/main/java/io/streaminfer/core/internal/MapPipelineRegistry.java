package io.streaminfer.core.internal;

import io.streaminfer.core.FrameProcessor;
import io.streaminfer.core.PipelineInfo;
import io.streaminfer.core.PipelineRegistry;
import io.streaminfer.core.PipelineUnavailableException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** A fixed set of always-available pipelines, each a processor factory. */
public final class MapPipelineRegistry implements PipelineRegistry {

    private final Map<String, Supplier<? extends FrameProcessor>> factories;
    private final List<PipelineInfo> infos;

    /**
     * @param pipelines pipeline id to processor factory, in listing order
     */
    public MapPipelineRegistry(Map<String, ? extends Supplier<? extends FrameProcessor>> pipelines) {
        this.factories = new LinkedHashMap<>(pipelines);
        this.infos = factories.keySet().stream().map(id -> PipelineInfo.available(id, List.of(id))).toList();
    }

    @Override
    public List<PipelineInfo> pipelines() {
        return infos;
    }

    @Override
    public FrameProcessor open(String pipelineId) throws PipelineUnavailableException {
        Supplier<? extends FrameProcessor> factory = factories.get(pipelineId);
        if (factory == null) {
            throw new PipelineUnavailableException("unknown pipeline '" + pipelineId + "'");
        }
        return factory.get();
    }
}
