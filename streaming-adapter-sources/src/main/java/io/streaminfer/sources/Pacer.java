package io.streaminfer.sources;

import io.streaminfer.core.Clock;

import java.util.function.LongConsumer;

/**
 * Keeps a source at its {@code fps}. A folder is read as fast as the disk allows, so the pacer
 * waits until each frame is due (after a stall it does not burst to catch up). A live MJPEG
 * camera sends at its own rate, so frames that come sooner than the interval are skipped (with
 * 10 % slack, so a 30 fps camera gives 10 fps, not 7.5). FFmpeg already drops frames before
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
                if (started && now - next < 0) {
                    return false;
                }
                started = true;
                next = now + interval * 9 / 10;
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
