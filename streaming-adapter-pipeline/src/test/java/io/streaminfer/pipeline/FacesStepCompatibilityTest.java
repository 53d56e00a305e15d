package io.streaminfer.pipeline;

import io.streaminfer.core.FrameProcessor;
import io.streaminfer.tck.FrameProcessorCompatibilityKit;
import org.junit.jupiter.api.BeforeAll;

class FacesStepCompatibilityTest extends FrameProcessorCompatibilityKit {

    @BeforeAll
    static void engineInstalled() {
        InferenceStepsTest.assumeFaces();
    }

    @Override
    protected FrameProcessor newProcessor() {
        return TestFrames.open("{\"step\": \"faces\", \"engine\": \"haar\"}");
    }
}
