package io.streaminfer.pipeline;

import io.streaminfer.core.FrameProcessor;
import io.streaminfer.tck.FrameProcessorCompatibilityKit;

class DelayStepCompatibilityTest extends FrameProcessorCompatibilityKit {

    @Override
    protected FrameProcessor newProcessor() {
        return TestFrames.open("{\"step\": \"delay\", \"ms\": 1}");
    }
}
