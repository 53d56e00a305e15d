package io.streaminfer.tck;

import io.streaminfer.core.BackpressurePolicy;

class BoundedFifoCompatibilityTest extends BackpressurePolicyCompatibilityKit {

    @Override
    protected BackpressurePolicy policy(int depth) {
        return BackpressurePolicy.boundedFifo(depth);
    }
}
