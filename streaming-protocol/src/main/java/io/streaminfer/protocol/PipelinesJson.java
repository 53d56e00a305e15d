package io.streaminfer.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streaminfer.core.PipelineInfo;
import io.streaminfer.core.PipelineRegistry;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The pipeline list as JSON, for {@code /pipelines} (management) and {@code /api/pipelines} (the console). */
public final class PipelinesJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private PipelinesJson() {
    }

    public static String of(PipelineRegistry registry) {
        return of(registry, id -> List.of());
    }

    /**
     * @param registry the pipelines
     * @param sinks    where each pipeline's events go, described without credentials; a pipeline
     *                 with none is listed without the key
     * @return the JSON list, with {@code "sinks"} for the pipelines that have some
     */
    public static String of(PipelineRegistry registry, java.util.function.Function<String, List<String>> sinks) {
        List<Map<String, Object>> pipelines = registry.pipelines().stream().map(p -> {
            Map<String, Object> json = describe(p);
            List<String> described = sinks.apply(p.id());
            if (!described.isEmpty()) {
                json.put("sinks", described);
            }
            return json;
        }).toList();
        try {
            return JSON.writeValueAsString(pipelines);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("pipeline list could not be encoded", e);
        }
    }

    private static Map<String, Object> describe(PipelineInfo pipeline) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", pipeline.id());
        json.put("steps", pipeline.steps());
        json.put("available", pipeline.available());
        json.put("reason", pipeline.unavailableReason());
        return json;
    }
}
