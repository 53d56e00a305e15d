package io.streaminfer.core.internal;

import io.streaminfer.core.Frame;
import io.streaminfer.core.FrameQueue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** Keeps frames in arrival order up to {@code depth}; a frame arriving when full is dropped itself. */
public final class BoundedFifoQueue implements FrameQueue {

    private final ArrayDeque<Frame> waiting = new ArrayDeque<>();
    private final int depth;

    /**
     * @param depth how many frames may wait, at least 1
     */
    public BoundedFifoQueue(int depth) {
        LatestFrameWinsQueue.checkDepth(depth);
        this.depth = depth;
    }

    @Override
    public List<Frame> offer(Frame frame) {
        if (waiting.size() >= depth) {
            return List.of(frame);
        }
        waiting.addLast(frame);
        return List.of();
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
}
