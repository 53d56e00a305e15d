package io.streaminfer.tck;

import io.streaminfer.core.BackpressurePolicy;

class LatestFrameWinsCompatibilityTest extends BackpressurePolicyCompatibilityKit {

    @Override
    protected BackpressurePolicy policy(int depth) {
        return BackpressurePolicy.latestFrameWins(depth);
    }
}
