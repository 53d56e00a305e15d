package io.streaminfer.pipeline;

import io.streaminfer.core.Frame;

import java.time.Duration;
import java.util.Map;

/**
 * {@code delay}, a diagnostic for load tests: holds each frame for a fixed time, either waiting
 * (like a model on an accelerator: the worker is held, the CPU is free) or burning CPU (like a
 * model on the CPU).
 */
final class DelayStep implements Step {

    /** How the step spends its time. */
    enum Mode {
        /** Blocks the worker thread without using the CPU. */
        SLEEP,
        /** Keeps the worker thread busy computing. */
        CPU
    }

    private final long delayNanos;
    private final long delayMillis;
    private final Mode mode;
    private long sink;

    DelayStep(Duration delay, Mode mode) {
        this.delayNanos = delay.toNanos();
        this.delayMillis = delay.toMillis();
        this.mode = mode;
    }

    @Override
    public StepOutput apply(Frame frame, FrameImage image) throws InterruptedException {
        if (mode == Mode.SLEEP) {
            sleep();
        } else {
            burn();
        }
        return StepOutput.of(Map.of("ms", delayMillis, "mode", mode.name().toLowerCase(java.util.Locale.ROOT)));
    }

    private void sleep() throws InterruptedException {
        long deadline = System.nanoTime() + delayNanos;
        long left = delayNanos;
        while (left > 0) { // Thread.sleep may wake early; the step promises at least the delay
            Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
            left = deadline - System.nanoTime();
        }
    }

    private void burn() {
        long deadline = System.nanoTime() + delayNanos;
        long x = sink;
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < 1000; i++) {
                x = x * 6364136223846793005L + 1442695040888963407L;
            }
        }
        sink = x; // keeps the loop from being optimised away
    }
}
