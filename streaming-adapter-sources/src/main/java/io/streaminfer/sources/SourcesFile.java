package io.streaminfer.sources;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads sources: a sources file ({@code STREAM_SOURCES}) is a JSON array of definitions, the
 * management API takes one definition per request:
 *
 * <pre>{@code
 * [
 *   {"id": "door", "url": "rtsp://user:secret@10.0.0.7/stream1", "pipeline_id": "people", "fps": 10},
 *   {"id": "yard", "url": "http://10.0.0.8/video.mjpg", "pipeline_id": "motion"},
 *   {"id": "demo", "url": "/srv/frames", "pipeline_id": "objects", "fps": 2}
 * ]
 * }</pre>
 *
 * <p>Keys: {@code id}, {@code url}, {@code pipeline_id}, optional {@code fps} (default
 * {@value SourceDefinition#DEFAULT_FPS}) and {@code kind} ({@code ffmpeg}, {@code mjpeg},
 * {@code folder}; by default from the URL). An unknown key is a mistake, not ignored.
 */
public final class SourcesFile {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> KEYS = Set.of("id", "url", "pipeline_id", "fps", "kind");

    private SourcesFile() {
    }

    /**
     * @param file a sources file
     * @return its definitions in file order, never {@literal null}
     * @throws SourceFileException with a sentence naming the file and the mistake
     */
    public static List<SourceDefinition> read(Path file) throws SourceFileException {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new SourceFileException("cannot read the sources file " + file + ": " + e.getMessage());
        }
        try {
            return parse(text);
        } catch (SourceFileException e) {
            throw new SourceFileException("the sources file " + file + ": " + e.getMessage());
        }
    }

    /**
     * @param json a JSON array of definitions
     * @return the definitions in order, never {@literal null}
     * @throws SourceFileException when the text is not valid, a definition is wrong, or an id repeats
     */
    public static List<SourceDefinition> parse(String json) throws SourceFileException {
        JsonNode root = tree(json);
        if (!root.isArray()) {
            throw new SourceFileException("expected a JSON array of sources, like [{\"id\": \"door\", \"url\": \"rtsp://...\","
                    + " \"pipeline_id\": \"motion\", \"fps\": 10}]");
        }
        List<SourceDefinition> definitions = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < root.size(); i++) {
            SourceDefinition definition = definition(root.get(i), "source #" + (i + 1));
            if (!ids.add(definition.id())) {
                throw new SourceFileException("the id '" + definition.id() + "' is used twice");
            }
            definitions.add(definition);
        }
        return List.copyOf(definitions);
    }

    /**
     * @param json one definition, as the management API receives it
     * @return the definition
     * @throws SourceFileException when it is not valid
     */
    public static SourceDefinition definition(String json) throws SourceFileException {
        return definition(tree(json), "the source");
    }

    private static JsonNode tree(String json) throws SourceFileException {
        try {
            JsonNode root = MAPPER.readTree(json);
            if (root == null) {
                throw new SourceFileException("it is empty; expected JSON");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw new SourceFileException("not valid JSON at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage());
        }
    }

    private static SourceDefinition definition(JsonNode node, String where) throws SourceFileException {
        if (!node.isObject()) {
            throw new SourceFileException(where + " is not a JSON object");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!KEYS.contains(name)) {
                throw new SourceFileException(where + " has an unknown key \"" + name + "\"; the keys are id, url,"
                        + " pipeline_id, fps, kind");
            }
        }
        String id = text(node, "id", where);
        String label = id == null ? where : "source '" + id + "'";
        String url = text(node, "url", label);
        String pipeline = text(node, "pipeline_id", label);
        double fps = SourceDefinition.DEFAULT_FPS;
        JsonNode fpsNode = node.get("fps");
        if (fpsNode != null && !fpsNode.isNull()) {
            if (!fpsNode.isNumber()) {
                throw new SourceFileException(label + ": \"fps\" must be a number");
            }
            fps = fpsNode.asDouble();
        }
        String kind = text(node, "kind", label);
        try {
            return kind == null ? SourceDefinition.of(id, url, pipeline, fps)
                    : new SourceDefinition(id, url, pipeline, fps, SourceDefinition.kindNamed(kind));
        } catch (IllegalArgumentException e) {
            throw new SourceFileException(e.getMessage());
        }
    }

    private static String text(JsonNode node, String key, String where) throws SourceFileException {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new SourceFileException(where + ": \"" + key + "\" must be a string");
        }
        return value.asText();
    }
}
