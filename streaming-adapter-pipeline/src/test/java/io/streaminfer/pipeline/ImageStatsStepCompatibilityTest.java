package io.streaminfer.pipeline;

import io.streaminfer.core.FrameProcessor;
import io.streaminfer.tck.FrameProcessorCompatibilityKit;

class ImageStatsStepCompatibilityTest extends FrameProcessorCompatibilityKit {

    @Override
    protected FrameProcessor newProcessor() {
        return TestFrames.open("{\"step\": \"image_stats\"}");
    }
}
