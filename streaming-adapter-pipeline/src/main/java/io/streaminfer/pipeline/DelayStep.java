package io.streaminfer.pipeline;

import io.streaminfer.core.Frame;
import io.streaminfer.core.FrameProcessor;
import io.streaminfer.core.InferenceResult;

import java.time.Duration;
import java.util.Objects;

/**
 * The {@code delay} pipeline, a diagnostic for load tests: holds each frame for a fixed time,
 * either waiting (like a model on an accelerator: the worker is held, the CPU is free) or
 * burning CPU (like a model on the CPU).
 */
final class DelayStep implements FrameProcessor {

    /** How the step spends its time. */
    enum Mode {
        /** Blocks the worker thread without using the CPU. */
        SLEEP,
        /** Keeps the worker thread busy computing. */
        CPU
    }

    private final long delayNanos;
    private final Mode mode;
    private final long delayMillis;
    private long sink;

    DelayStep(Duration delay, Mode mode) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative: " + delay);
        }
        this.delayNanos = delay.toNanos();
        this.delayMillis = delay.toMillis();
        this.mode = Objects.requireNonNull(mode, "mode");
    }

    @Override
    public InferenceResult process(Frame frame) throws InterruptedException {
        if (mode == Mode.SLEEP) {
            sleep();
        } else {
            burn();
        }
        return InferenceResult.builder()
                .put("delay_ms", delayMillis)
                .put("width", frame.info().width())
                .put("height", frame.info().height())
                .build();
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
