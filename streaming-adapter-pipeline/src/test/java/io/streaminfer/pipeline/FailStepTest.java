package io.streaminfer.pipeline;

import io.streaminfer.core.FrameProcessor;
import io.streaminfer.core.PipelineException;
import io.streaminfer.core.PipelineInfo;
import io.streaminfer.tck.SampleFrames;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FailStepTest {

    @Test
    @DisplayName("the fail step fails every frame with its sentence, naming the step")
    void failsEveryFrame() throws Exception {
        try (FrameProcessor pipeline = TestFrames.open("{\"step\": \"fail\"}")) {
            for (long index = 1; index <= 3; index++) {
                long frameIndex = index;
                assertThatThrownBy(() -> pipeline.process(TestFrames.frame(SampleFrames.coffee(), frameIndex)))
                        .isInstanceOfSatisfying(PipelineException.class, e -> {
                            assertThat(e.getMessage()).isEqualTo(FailStep.DETAIL);
                            assertThat(e.step()).contains("fail");
                        });
            }
        }
    }

    @Test
    @DisplayName("the built-in pipelines offer fail, available everywhere")
    void builtInFailPipeline() {
        PipelineInfo fail = Pipelines.defaults(PipelineOptions.ofDefaults()).find("fail").orElseThrow();

        assertThat(fail.available()).isTrue();
        assertThat(fail.steps()).containsExactly("fail");
    }
}
