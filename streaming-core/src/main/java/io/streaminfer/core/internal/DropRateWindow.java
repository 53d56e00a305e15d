package io.streaminfer.core.internal;

/**
 * The outcome (dropped or not) of the last {@code capacity} answered frames, in a ring.
 * Not thread-safe: used under the session lock.
 */
final class DropRateWindow {

    private final boolean[] dropped;
    private int next;
    private int count;
    private int drops;

    DropRateWindow(int capacity) {
        this.dropped = new boolean[capacity];
    }

    void record(boolean wasDropped) {
        if (count == dropped.length) {
            if (dropped[next]) {
                drops--;
            }
        } else {
            count++;
        }
        dropped[next] = wasDropped;
        if (wasDropped) {
            drops++;
        }
        next = (next + 1) % dropped.length;
    }

    boolean isFull() {
        return count == dropped.length;
    }

    double dropRate() {
        return count == 0 ? 0.0 : (double) drops / count;
    }
}
