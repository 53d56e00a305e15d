package io.streaminfer.examples;

import io.streaminfer.core.BackpressurePolicy;
import io.streaminfer.core.Frame;
import io.streaminfer.core.FrameQueue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Example 4 of docs/embedding.md: a backpressure policy of your own. Where latest-frame-wins
 * keeps the newest frames, this keeps the first ones and turns newcomers away while full: for
 * a pipeline that must see frames close together (say, a tracker comparing consecutive frames)
 * rather than the freshest one. {@code ArrivalOrderPolicyCompatibilityTest} proves it with the kit.
 */
// region example
public final class ArrivalOrderPolicy implements BackpressurePolicy {

    private final int depth;

    public ArrivalOrderPolicy(int depth) {
        if (depth < 1) {
            throw new IllegalArgumentException("depth must be at least 1, got " + depth);
        }
        this.depth = depth;
    }

    @Override
    public FrameQueue newQueue() {                               // one queue per session
        ArrayDeque<Frame> waiting = new ArrayDeque<>();
        return new FrameQueue() {
            @Override
            public List<Frame> offer(Frame frame) {
                if (waiting.size() < depth) {
                    waiting.addLast(frame);
                    return List.of();
                }
                return List.of(frame);                           // full: the newcomer is dropped (and told so)
            }

            @Override
            public Frame poll() {
                return waiting.pollFirst();
            }

            @Override
            public List<Frame> drain() {
                List<Frame> all = new ArrayList<>(waiting);
                waiting.clear();
                return all;
            }

            @Override
            public int size() {
                return waiting.size();
            }
        };
    }
}
// endregion
