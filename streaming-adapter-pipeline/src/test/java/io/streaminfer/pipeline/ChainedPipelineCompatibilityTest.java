package io.streaminfer.pipeline;

import io.streaminfer.core.FrameProcessor;
import io.streaminfer.tck.FrameProcessorCompatibilityKit;

class ChainedPipelineCompatibilityTest extends FrameProcessorCompatibilityKit {

    @Override
    protected FrameProcessor newProcessor() {
        return TestFrames.open("{\"step\": \"motion\"}, {\"step\": \"qr\"}, {\"step\": \"image_stats\"}, {\"step\": \"noop\"}");
    }
}
