package io.streaminfer.pipeline;

import io.streaminfer.core.FrameProcessor;
import io.streaminfer.tck.FrameProcessorCompatibilityKit;
import org.junit.jupiter.api.BeforeAll;

class RetinaFaceStepCompatibilityTest extends FrameProcessorCompatibilityKit {

    @BeforeAll
    static void modelFetched() {
        RealModels.assume("retinaface_mnet25");
    }

    @Override
    protected FrameProcessor newProcessor() {
        return TestFrames.open("{\"step\": \"faces\", \"engine\": \"retinaface\"}");
    }
}
