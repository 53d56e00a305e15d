package io.streaminfer.core.internal;

import io.streaminfer.core.BackpressureState;
import io.streaminfer.core.ServerMessage;
import io.streaminfer.core.StreamConfig;

/**
 * One session's drop rate over the last answered frames, its backpressure state, and the
 * decision to warn the client to slow down. Not thread-safe: used under the session's lock;
 * it only computes, it never sends.
 */
final class BackpressureMonitor {

    private static final double EWMA_ALPHA = 0.2;

    private final StreamConfig config;
    private final DropRateWindow window;
    private final ThroughputMeter meter;
    private final RecentDurations recentPipelineTimes;
    private double pipelineMillisEwma = Double.NaN;
    private BackpressureState state = BackpressureState.NORMAL;
    private long lastSlowDownNanos;
    private long results;

    BackpressureMonitor(StreamConfig config) {
        this.config = config;
        this.window = new DropRateWindow(config.rateWindow());
        this.meter = new ThroughputMeter(config.rateWindow());
        this.recentPipelineTimes = new RecentDurations(config.rateWindow());
    }

    /** A frame was answered with a result after {@code pipelineNanos} in the pipeline. */
    void resultDecided(long pipelineNanos, long now) {
        results++;
        double millis = pipelineNanos / 1e6;
        pipelineMillisEwma = Double.isNaN(pipelineMillisEwma) ? millis
                : pipelineMillisEwma + EWMA_ALPHA * (millis - pipelineMillisEwma);
        meter.record(now);
        recentPipelineTimes.record(pipelineNanos);
    }

    /**
     * Slides the window by one answered frame and moves the state.
     *
     * @param wasDropped whether the frame was dropped
     * @param warn       whether the session may still warn (it is open)
     * @return the warning to send now, or {@literal null}
     */
    ServerMessage.SlowDown answered(boolean wasDropped, long now, boolean warn) {
        window.record(wasDropped);
        if (!warn) {
            return null;
        }
        double rate = window.dropRate();
        BackpressureState next = !window.isFull() ? BackpressureState.NORMAL
                : rate >= config.slowdownThreshold() ? BackpressureState.CRITICAL
                : rate >= config.dropThreshold() ? BackpressureState.WARNING
                : BackpressureState.NORMAL;
        boolean slowDown = next == BackpressureState.CRITICAL && (state != BackpressureState.CRITICAL
                || now - lastSlowDownNanos >= config.slowDownInterval().toNanos());
        state = next;
        if (!slowDown) {
            return null;
        }
        lastSlowDownNanos = now;
        return new ServerMessage.SlowDown(Math.round(rate * 1000) / 1000.0, recommendedFps());
    }

    /** What this session's pipeline sustains now: measured result rate, else 1 / mean pipeline time. */
    double recommendedFps() {
        double rate = meter.perSecond();
        if (Double.isNaN(rate)) {
            rate = pipelineMillisEwma > 0 ? 1000.0 / pipelineMillisEwma : 0.0;
        }
        return Math.max(0.1, Math.floor(rate * 10) / 10);
    }

    BackpressureState state() {
        return state;
    }

    double dropRate() {
        return window.dropRate();
    }

    double pipelineMillisEwma() {
        return Double.isNaN(pipelineMillisEwma) ? 0.0 : pipelineMillisEwma;
    }

    double pipelineMillisPercentile(double p) {
        return recentPipelineTimes.percentileMillis(p);
    }

    /** @return the recommended rate, 0 before any result */
    double recommendedFpsOrZero() {
        return results == 0 ? 0.0 : recommendedFps();
    }
}
