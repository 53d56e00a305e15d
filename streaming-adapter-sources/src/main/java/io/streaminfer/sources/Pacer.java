package io.streaminfer.sources;

import io.streaminfer.core.Clock;

import java.util.function.LongConsumer;

/**
 * Keeps a source at its {@code fps}. A folder is read as fast as the disk allows, so the pacer
 * waits until each frame is due (after a stall it does not burst to catch up). A live MJPEG
 * camera sends at its own rate, so only the first frame of each interval passes (with 10 % slack
 * for jitter: a 30 fps or a 15 fps camera read at 10 gives 10). FFmpeg already drops frames before
 * encoding them, so its frames all pass.
 */
final class Pacer {

    private final Clock clock;
    private final long interval;
    private final SourceDefinition.Kind kind;
    private long next;
    private boolean started;

    Pacer(SourceDefinition source, Clock clock) {
        this.clock = clock;
        this.kind = source.kind();
        this.interval = (long) (1e9 / source.fps());
    }

    /**
     * @param wait waits the given nanoseconds (a folder's frame is not due yet)
     * @return whether the frame just read goes to the pipeline
     */
    boolean admit(LongConsumer wait) {
        long now = clock.nanoTime();
        switch (kind) {
            case FFMPEG -> {
                return true;
            }
            case MJPEG -> {
                // the first frame of each interval (10 % early counts, for jitter): 15 fps read at 10 gives 10
                if (started && next - now > interval / 10) {
                    return false;
                }
                next = started && now - next < interval ? next + interval : now + interval;
                started = true;
                return true;
            }
            default -> {
                if (started && next - now > 0) {
                    wait.accept(next - now);
                    now = clock.nanoTime();
                }
                // the next one is due an interval after this one was due, unless we fell behind
                next = started && now - next < interval ? next + interval : now + interval;
                started = true;
                return true;
            }
        }
    }
}
