package io.streaminfer.pipeline;

import io.streaminfer.core.FrameProcessor;
import io.streaminfer.tck.FrameProcessorCompatibilityKit;
import org.junit.jupiter.api.BeforeAll;

class OcrStepCompatibilityTest extends FrameProcessorCompatibilityKit {

    @BeforeAll
    static void engineInstalled() {
        InferenceStepsTest.assumeOcr();
    }

    @Override
    protected FrameProcessor newProcessor() {
        return TestFrames.open("{\"step\": \"ocr\"}");
    }
}
