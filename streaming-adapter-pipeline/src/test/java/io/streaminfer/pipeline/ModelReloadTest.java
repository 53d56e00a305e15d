package io.streaminfer.pipeline;

import io.streaminfer.core.FrameProcessor;
import io.streaminfer.tck.SampleFrames;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Models shared between the registries of successive reloads, and a model file replaced on disk picked up by a reload. */
class ModelReloadTest {

    private static Path planted(Path dir) throws Exception {
        Path copy = dir.resolve("planted.onnx");
        Files.copy(OnnxStepTest.resource("planted-yolo.onnx"), copy, StandardCopyOption.REPLACE_EXISTING);
        return copy;
    }

    @Test
    @DisplayName("a model is loaded once while it is in use, and closed when its last user lets go")
    void sharedUntilTheLastUserLetsGo(@TempDir Path dir) throws Exception {
        Path file = planted(dir);
        OnnxModel first = OnnxModel.acquire(file, 1);
        OnnxModel again = OnnxModel.acquire(file, 1);

        assertThat(again).isSameAs(first);
        first.release();
        assertThat(first.loaded()).isTrue();
        again.release();
        assertThat(first.loaded()).isFalse();
        OnnxModel reloaded = OnnxModel.acquire(file, 1);
        assertThat(reloaded).isNotSameAs(first);
        reloaded.release();
    }

    @Test
    @DisplayName("a model file replaced on disk is loaded anew; the old one stays for those that hold it")
    void replacedFileIsAnotherModel(@TempDir Path dir) throws Exception {
        Path file = planted(dir);
        OnnxModel before = OnnxModel.acquire(file, 1);

        Files.setLastModifiedTime(file, FileTime.from(Files.getLastModifiedTime(file).toInstant().plus(Duration.ofMinutes(1))));
        OnnxModel after = OnnxModel.acquire(file, 1);

        assertThat(after).isNotSameAs(before);
        assertThat(before.loaded()).isTrue();
        before.release();
        after.release();
        assertThat(before.loaded()).isFalse();
        assertThat(after.loaded()).isFalse();
    }

    @Test
    @DisplayName("a registry holds each of its models once and lets go of them when it closes; one rebuilt from the same file shares them")
    void registriesShareUnchangedModels(@TempDir Path dir) throws Exception {
        Path file = planted(dir);
        String json = "{\"p\": {\"steps\": [" + OnnxStepTest.steps().replace(OnnxStepTest.resource("planted-yolo.onnx").toString(),
                file.toString()) + ", " + OnnxStepTest.steps().replace(OnnxStepTest.resource("planted-yolo.onnx").toString(),
                file.toString()) + "]}}";
        var first = Pipelines.parse(json, "(test)", PipelineOptions.ofDefaults());
        OnnxModel model = OnnxModel.acquire(file, 1);
        model.release(); // only looked at it

        var second = Pipelines.parse(json, "(test)", PipelineOptions.ofDefaults());
        Pipelines.close(first);
        assertThat(model.loaded()).as("the second registry still uses it").isTrue();
        Pipelines.close(second);
        assertThat(model.loaded()).isFalse();
    }

    @Test
    @DisplayName("a reload picks up a model file replaced on disk: the running session's next result comes from the new model")
    void reloadPicksUpReplacedModel(@TempDir Path dir) throws Exception {
        RealModels.assume("yolov8n");
        RealModels.assume("yolov8n_320");
        Path models = ModelOptions.defaults().directory();
        Files.copy(models.resolve("yolov8n.onnx"), dir.resolve("yolov8n.onnx"));
        Path pipelinesFile = dir.resolve("pipelines.json");
        Files.writeString(pipelinesFile, "{\"objects\": {\"steps\": [{\"step\": \"objects\"}]}}");
        PipelineOptions options = new PipelineOptions(Duration.ZERO, 4096L * 4096, new ModelOptions(dir, 1));
        ReloadablePipelines pipelines = ReloadablePipelines.of(pipelinesFile, options);
        try (FrameProcessor session = pipelines.open("objects", "s1")) {
            assertThat(inputSize(session, 1)).isEqualTo(640);

            Path replacement = dir.resolve("yolov8n.onnx.new");
            Files.copy(models.resolve("yolov8n_320.onnx"), replacement);
            Files.move(replacement, dir.resolve("yolov8n.onnx"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            pipelines.reload();

            assertThat(inputSize(session, 2)).isEqualTo(320);
        } finally {
            pipelines.close();
        }
    }

    private static Object inputSize(FrameProcessor session, long index) throws Exception {
        return ((Map<?, ?>) session.process(TestFrames.frame(SampleFrames.astronaut(), index)).fields().get("objects"))
                .get("input_size");
    }
}
