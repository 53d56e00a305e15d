package io.streaminfer.pipeline;

import io.streaminfer.core.FrameProcessor;
import io.streaminfer.tck.FrameProcessorCompatibilityKit;

import java.time.Duration;

class DelayStepCompatibilityTest extends FrameProcessorCompatibilityKit {

    @Override
    protected FrameProcessor newProcessor() {
        return new DelayStep(Duration.ofMillis(1), DelayStep.Mode.SLEEP);
    }
}
