package io.streaminfer.pipeline;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads and checks a pipelines file:
 * {@code {"<id>": {"steps": [{"step": "<name>", "<param>": value, ...}, ...]}, ...}}.
 * Every mistake is reported with the file, the pipeline, the step and the key.
 */
final class PipelinesFile {

    /** Turns a step's JSON parameters into plain values (maps, lists, strings, numbers) for extensions. */
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON_VALUES = new com.fasterxml.jackson.databind.ObjectMapper();

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private PipelinesFile() {
    }

    static List<PipelineDefinition> parse(String json, String source, StepCatalog catalog) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new PipelineFileException("pipelines file " + source + " is not valid JSON: "
                    + e.getOriginalMessage().replaceAll(" \\(start marker at \\[Source:.*?\\]\\)", "") + " at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr());
        }
        if (root == null || !root.isObject() || root.isEmpty()) {
            throw new PipelineFileException("pipelines file " + source
                    + " must be a JSON object of pipelines, e.g. {\"qr\": {\"steps\": [{\"step\": \"qr\"}]}}");
        }
        List<PipelineDefinition> pipelines = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            pipelines.add(pipeline(entry.getKey(), entry.getValue(), source, catalog));
        }
        return pipelines;
    }

    private static PipelineDefinition pipeline(String id, JsonNode node, String source, StepCatalog catalog) {
        String where = "pipelines file " + source + ": pipeline '" + id + "'";
        if (!ID.matcher(id).matches()) {
            throw new PipelineFileException(where + ": the id must be 1 to 64 letters, digits, '_', '.' or '-'");
        }
        if (!node.isObject()) {
            throw new PipelineFileException(where + ": must be an object with \"steps\"");
        }
        for (Iterator<String> keys = node.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (!"steps".equals(key) && !"sinks".equals(key)) {
                throw new PipelineFileException(where + ": unknown key '" + key + "' (known: steps, sinks)");
            }
        }
        List<Map<String, Object>> sinks = sinks(node.get("sinks"), where);
        JsonNode steps = node.get("steps");
        if (steps == null || !steps.isArray() || steps.isEmpty()) {
            throw new PipelineFileException(where + ": \"steps\" must be a non-empty list of steps");
        }
        List<String> names = new ArrayList<>();
        List<String> resultKeys = new ArrayList<>();
        List<Function<StepScope, Step>> makers = new ArrayList<>();
        Map<String, List<String>> zones = new java.util.LinkedHashMap<>();
        Map<String, Integer> seen = new HashMap<>();
        String unavailable = null;
        for (int i = 0; i < steps.size(); i++) {
            JsonNode stepNode = steps.get(i);
            String stepWhere = where + ", step " + (i + 1);
            if (!stepNode.isObject() || !stepNode.hasNonNull("step") || !stepNode.get("step").isTextual()) {
                throw new PipelineFileException(stepWhere + ": must be an object with a \"step\" name, e.g. {\"step\": \"qr\"}");
            }
            String name = stepNode.get("step").asText();
            Optional<StepType> type = catalog.find(name);
            if (type.isEmpty()) {
                throw new PipelineFileException(stepWhere + ": unknown step '" + name + "' (known steps: "
                        + String.join(", ", catalog.names()) + ")");
            }
            StepParams params = params(stepNode, type.get(), stepWhere + " '" + name + "'");
            Optional<String> problem = type.get().availability().apply(params);
            if (problem.isPresent() && unavailable == null) {
                unavailable = "step '" + name + "': " + problem.get();
            }
            int count = seen.merge(name, 1, Integer::sum);
            names.add(name);
            resultKeys.add(count == 1 ? name : name + "_" + count);
            // an unavailable step is never instantiated: its pipeline refuses sessions with the reason
            makers.add(problem.isPresent() ? scope -> {
                throw new IllegalStateException(problem.get());
            } : build(type.get(), params, stepWhere + " '" + name + "'"));
            if ("zones".equals(name)) {
                zones.putAll(ZonesStep.declared(params));
            }
        }
        if (!zones.isEmpty() && !names.contains("track")) {
            throw new PipelineFileException(where + ": a 'zones' step judges tracks: put a 'track' step before it");
        }
        return new PipelineDefinition(id, names, resultKeys, makers, unavailable, zones, names.contains("track"), sinks);
    }

    private static List<Map<String, Object>> sinks(JsonNode node, String where) {
        if (node == null) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new PipelineFileException(where + ": \"sinks\" must be a list of sinks, e.g. [{\"sink\": \"mqtt\", ...}]");
        }
        List<Map<String, Object>> sinks = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode sink = node.get(i);
            if (!sink.isObject() || !sink.hasNonNull("sink") || !sink.get("sink").isTextual()) {
                throw new PipelineFileException(where + ", sink " + (i + 1)
                        + ": must be an object with a \"sink\" kind, e.g. {\"sink\": \"webhook\", \"url\": \"http://...\"}");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> config = JSON_VALUES.convertValue(sink, Map.class);
            try {
                io.streaminfer.sinks.Sinks.check(config);
            } catch (IllegalArgumentException e) {
                throw new PipelineFileException(where + ", sink " + (i + 1) + ": " + e.getMessage());
            }
            sinks.add(java.util.Collections.unmodifiableMap(config));
        }
        return sinks;
    }

    private static Function<StepScope, Step> build(StepType type, StepParams params, String where) {
        try {
            return type.maker(params);
        } catch (IllegalArgumentException e) {
            throw new PipelineFileException(where + ": " + e.getMessage());
        }
    }

    private static StepParams params(JsonNode stepNode, StepType type, String where) {
        Map<String, Object> values = new HashMap<>();
        if (type.openParams()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = stepNode.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (!"step".equals(field.getKey())) {
                    values.put(field.getKey(), JSON_VALUES.convertValue(field.getValue(), Object.class));
                }
            }
            return new StepParams(java.util.Collections.unmodifiableMap(values));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = stepNode.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if ("step".equals(field.getKey())) {
                continue;
            }
            ParamSpec spec = type.param(field.getKey()).orElseThrow(() -> new PipelineFileException(where
                    + ": unknown parameter '" + field.getKey() + "' (known: "
                    + (type.params().isEmpty() ? "none" : String.join(", ", type.paramNames())) + ")"));
            try {
                values.put(spec.name(), spec.read(field.getValue()));
            } catch (IllegalArgumentException e) {
                throw new PipelineFileException(where + ": " + e.getMessage());
            }
        }
        for (ParamSpec spec : type.params()) {
            values.putIfAbsent(spec.name(), spec.fallback());
        }
        return new StepParams(values);
    }
}
