package io.streaminfer.pipeline;

import io.streaminfer.core.FrameProcessor;
import io.streaminfer.tck.FrameProcessorCompatibilityKit;

class OnnxStepCompatibilityTest extends FrameProcessorCompatibilityKit {

    @Override
    protected FrameProcessor newProcessor() {
        return TestFrames.open(OnnxStepTest.steps());
    }
}
