package io.streaminfer.pipeline;

import io.streaminfer.core.Frame;
import io.streaminfer.core.FrameProcessor;
import io.streaminfer.core.FrameValidator;
import io.streaminfer.core.InferenceResult;
import io.streaminfer.core.PipelineInfo;
import io.streaminfer.core.PipelineRegistry;
import io.streaminfer.tck.SampleFrames;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BuiltInPipelinesTest {

    private final PipelineRegistry registry = BuiltInPipelines.registry(Duration.ofMillis(20));

    private static Frame astronaut() throws Exception {
        byte[] jpeg = SampleFrames.astronaut();
        return new Frame(1, jpeg, FrameValidator.jpeg(jpeg.length).validate(jpeg), System.nanoTime());
    }

    @Test
    void offersNoopAndDelay() {
        assertThat(registry.pipelines()).extracting(PipelineInfo::id).containsExactly("noop", "delay", "delay_cpu");
        assertThat(registry.pipelines()).allMatch(PipelineInfo::available);
    }

    @Test
    @DisplayName("noop reports the header's width, height and size")
    void noopReportsTheHeader() throws Exception {
        Frame frame = astronaut();
        try (FrameProcessor noop = registry.open("noop")) {
            assertThat(noop.process(frame).fields())
                    .isEqualTo(Map.of("width", 512, "height", 512, "bytes", frame.jpeg().length));
        }
    }

    @Test
    @DisplayName("delay holds the frame for at least its delay, waiting or computing")
    void delayHoldsTheFrame() throws Exception {
        for (String id : new String[] {"delay", "delay_cpu"}) {
            try (FrameProcessor delay = registry.open(id)) {
                long start = System.nanoTime();
                InferenceResult result = delay.process(astronaut());
                long elapsed = System.nanoTime() - start;

                assertThat(elapsed).as(id).isGreaterThanOrEqualTo(Duration.ofMillis(20).toNanos());
                assertThat(result.fields()).containsEntry("delay_ms", 20L);
            }
        }
    }
}
