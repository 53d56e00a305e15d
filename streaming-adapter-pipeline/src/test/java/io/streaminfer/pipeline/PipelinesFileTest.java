package io.streaminfer.pipeline;

import io.streaminfer.core.PipelineInfo;
import io.streaminfer.core.PipelineRegistry;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PipelinesFileTest {

    private static PipelineRegistry parse(String json) {
        return Pipelines.parse(json, "test.json", PipelineOptions.ofDefaults());
    }

    @Test
    void readsAValidFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pipelines.json");
        Files.writeString(file, """
                {
                  "qr_motion": {"steps": [{"step": "motion", "min_area": 400, "threshold": 30}, {"step": "qr"}]},
                  "slow": {"steps": [{"step": "delay", "ms": 200, "mode": "cpu"}]},
                  "codes": {"steps": [{"step": "qr", "formats": ["qr_code", "ean_13"], "try_harder": false}]}
                }
                """);

        PipelineRegistry registry = Pipelines.fromFile(file, PipelineOptions.ofDefaults());

        assertThat(registry.pipelines()).extracting(PipelineInfo::id).containsExactly("qr_motion", "slow", "codes");
        assertThat(registry.find("qr_motion").orElseThrow().steps()).containsExactly("motion", "qr");
        assertThat(registry.pipelines()).allMatch(PipelineInfo::available);
    }

    @Test
    @DisplayName("the built-in file offers noop, delay, image_stats, motion, qr and a chain")
    void builtInPipelines() {
        PipelineRegistry registry = Pipelines.defaults(PipelineOptions.ofDefaults());

        assertThat(registry.pipelines()).extracting(PipelineInfo::id)
                .contains("noop", "delay", "image_stats", "motion", "qr", "qr_motion");
    }

    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '|', value = {
            "{\"p\": {\"steps\": [{\"step\": \"qr\"}]}}|true|valid",
            "{\"p\": [1, 2]|pipelines file test.json is not valid JSON: Unexpected end-of-input: expected close marker for Object at line 1|broken JSON",
            "[]|must be a JSON object of pipelines|not an object",
            "{}|must be a JSON object of pipelines|no pipelines",
            "{\"bad id!\": {\"steps\": [{\"step\": \"qr\"}]}}|pipeline 'bad id!': the id must be|bad id",
            "{\"p\": {\"steps\": [{\"step\": \"qr\"}], \"stepz\": 1}}|pipeline 'p': unknown key 'stepz' (known: steps, sinks)|unknown pipeline key",
            "{\"p\": {\"steps\": [{\"step\": \"motion\"}, {\"step\": \"zones\", \"lines\": [{\"name\": \"g\", \"from\": [0, 0], \"to\": [1, 1]}]}]}}|pipeline 'p': a 'zones' step judges tracks: put a 'track' step before it|zones without track",
            "{\"p\": {\"steps\": [{\"step\": \"motion\"}, {\"step\": \"track\"}, {\"step\": \"zones\"}]}}|step 3 'zones': give at least one zone|zones without shapes",
            "{\"p\": {\"steps\": [{\"step\": \"motion\"}, {\"step\": \"track\"}, {\"step\": \"zones\", \"lines\": [{\"name\": \"g\", \"from\": [0, 0], \"to\": [1.5, 1]}]}]}}|step 3 'zones': |line outside the frame",
            "{\"p\": {\"steps\": [{\"step\": \"track\", \"low_score\": 0.9}]}}|step 1 'track': low_score must not be above high_score|track scores",
            "{\"p\": {\"steps\": [{\"step\": \"qr\"}], \"sinks\": [{\"sink\": \"mqtt\", \"url\": \"tcp://127.0.0.1:1883\", \"qos\": 3}]}}|pipeline 'p', sink 1: mqtt sink: 'qos' must be a whole number between 0 and 2, got 3|bad sink",
            "{\"p\": {\"steps\": [{\"step\": \"qr\"}], \"sinks\": {\"sink\": \"mqtt\"}}}|pipeline 'p': \"sinks\" must be a list of sinks|sinks not a list",
            "{\"p\": {}}|pipeline 'p': \"steps\" must be a non-empty list|missing steps",
            "{\"p\": {\"steps\": []}}|pipeline 'p': \"steps\" must be a non-empty list|empty steps",
            "{\"p\": {\"steps\": [\"qr\"]}}|pipeline 'p', step 1: must be an object with a \"step\" name|step not an object",
            "{\"p\": {\"steps\": [{\"step\": \"faces2\"}]}}|pipeline 'p', step 1: unknown step 'faces2' (known steps: noop, delay, fail, image_stats, motion, qr, faces, ocr, track, zones, objects, onnx, dark_pixels)|unknown step",
            "{\"p\": {\"steps\": [{\"step\": \"qr\"}, {\"step\": \"motion\", \"min_areaa\": 3}]}}|pipeline 'p', step 2 'motion': unknown parameter 'min_areaa' (known: min_area, threshold, downscale, learning_rate)|unknown parameter",
            "{\"p\": {\"steps\": [{\"step\": \"motion\", \"threshold\": \"high\"}]}}|step 1 'motion': parameter 'threshold' must be a whole number between 1 and 255, got \"high\"|wrong type",
            "{\"p\": {\"steps\": [{\"step\": \"motion\", \"threshold\": 300}]}}|parameter 'threshold' must be a whole number between 1 and 255, got 300|out of range",
            "{\"p\": {\"steps\": [{\"step\": \"motion\", \"downscale\": 2.5}]}}|parameter 'downscale' must be a whole number|fraction for a whole number",
            "{\"p\": {\"steps\": [{\"step\": \"delay\", \"mode\": \"gpu\"}]}}|parameter 'mode' must be one of sleep, cpu, got \"gpu\"|bad choice",
            "{\"p\": {\"steps\": [{\"step\": \"qr\", \"formats\": [\"aztec\"]}]}}|parameter 'formats' must be a non-empty list of qr_code|bad list item",
            "{\"p\": {\"steps\": [{\"step\": \"qr\", \"try_harder\": \"yes\"}]}}|parameter 'try_harder' must be true or false|bad boolean",
            "{\"p\": {\"steps\": [{\"step\": \"noop\", \"fast\": true}]}}|unknown parameter 'fast' (known: none)|parameter of a step without any",
            "{\"p\": {\"steps\": [{\"step\": \"qr\"}]}, \"p\": {\"steps\": [{\"step\": \"noop\"}]}}|Duplicate field 'p'|duplicate pipeline id",
    })
    void eachMistakeHasItsOwnMessage(String json, String expected, String what) {
        if ("true".equals(expected)) {
            assertThat(parse(json).pipelines()).hasSize(1);
            return;
        }
        assertThatThrownBy(() -> parse(json))
                .as(what)
                .isInstanceOf(PipelineFileException.class)
                .hasMessageContaining(expected)
                .hasMessageStartingWith("pipelines file test.json");
    }

    @Test
    void aMissingFileIsNamed(@TempDir Path dir) {
        Path missing = dir.resolve("nope.json");

        assertThatThrownBy(() -> Pipelines.fromFile(missing, PipelineOptions.ofDefaults()))
                .isInstanceOf(PipelineFileException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("cannot be read");
    }
}
