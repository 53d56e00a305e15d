package io.streaminfer.pipeline;

import io.streaminfer.core.FrameProcessor;
import io.streaminfer.tck.FrameProcessorCompatibilityKit;
import org.junit.jupiter.api.BeforeAll;

class ObjectsStepCompatibilityTest extends FrameProcessorCompatibilityKit {

    @BeforeAll
    static void modelFetched() {
        RealModels.assume("yolov8n");
    }

    @Override
    protected FrameProcessor newProcessor() {
        return TestFrames.open("{\"step\": \"objects\"}");
    }
}
