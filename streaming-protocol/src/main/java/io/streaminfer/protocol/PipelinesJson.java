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
        List<Map<String, Object>> pipelines = registry.pipelines().stream().map(PipelinesJson::describe).toList();
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
