package io.streaminfer.core.internal;

import io.streaminfer.core.Frame;
import io.streaminfer.core.FrameQueue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** Keeps the newest {@code depth} frames; a new frame pushes the oldest waiting one out. */
public final class LatestFrameWinsQueue implements FrameQueue {

    private final ArrayDeque<Frame> waiting;
    private final int depth;

    /**
     * @param depth how many frames may wait, at least 1
     */
    public LatestFrameWinsQueue(int depth) {
        checkDepth(depth);
        this.depth = depth;
        this.waiting = new ArrayDeque<>(Math.min(depth, 64) + 1);
    }

    /**
     * @param depth the depth to check
     * @throws IllegalArgumentException when depth is below 1
     */
    public static void checkDepth(int depth) {
        if (depth < 1) {
            throw new IllegalArgumentException("queue depth must be at least 1, got " + depth);
        }
    }

    @Override
    public List<Frame> offer(Frame frame) {
        waiting.addLast(frame);
        if (waiting.size() <= depth) {
            return List.of();
        }
        if (waiting.size() == depth + 1) {
            return List.of(waiting.pollFirst());
        }
        List<Frame> dropped = new ArrayList<>();
        while (waiting.size() > depth) {
            dropped.add(waiting.pollFirst());
        }
        return dropped;
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
