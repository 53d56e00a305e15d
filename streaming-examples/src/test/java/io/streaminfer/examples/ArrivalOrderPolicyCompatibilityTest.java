package io.streaminfer.examples;

import io.streaminfer.core.BackpressurePolicy;
import io.streaminfer.tck.BackpressurePolicyCompatibilityKit;

/** Example 4 is proved with the kit, as the guide tells users to prove theirs. */
class ArrivalOrderPolicyCompatibilityTest extends BackpressurePolicyCompatibilityKit {

    @Override
    protected BackpressurePolicy policy(int depth) {
        return new ArrivalOrderPolicy(depth);
    }
}
