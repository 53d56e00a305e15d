package io.streaminfer.pipeline;

import io.streaminfer.core.Detection;
import io.streaminfer.core.Frame;
import io.streaminfer.pipeline.track.Box;
import io.streaminfer.pipeline.track.ByteTracker;
import io.streaminfer.pipeline.track.TrackerSettings;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code track}: follows the detections of the steps before it across the session's frames with
 * {@link ByteTracker} and gives each detection of a confirmed track its {@code track_id}. Frames
 * the engine dropped never reach it, so it predicts motion over time, not frame counts.
 *
 * <p>Time is the frames' arrival times, unless {@code fps} is set: then frame N is at
 * (N - 1) / fps seconds, from the frame index every binary message gets (dropped frames count),
 * so video streamed faster or more unevenly than it was filmed (a recording in lossless mode, a
 * client behind a jittery link) is tracked at the speed it was filmed. Leaves the time and the ids
 * it removed on each frame for a {@code zones} step after it, so loitering is timed on the same
 * clock.
 */
final class TrackStep implements Step {

    /** The session note that holds the last {@link Tracked}. */
    static final String TRACKED = "track.frame";

    /** What a frame did to the tracks: the time it was tracked at and the track ids removed at it. */
    record Tracked(long frameIndex, long timeNanos, int[] removedIds) {
    }

    private final ByteTracker tracker;
    private final PipelineTelemetry telemetry;
    private final String pipeline;
    /** Nanoseconds between two frames when {@code fps} is set, else 0: arrival times. */
    private final double framePeriodNanos;
    private long reported;

    /**
     * @param fps the rate the frames were filmed at, or 0 to use their arrival times
     */
    TrackStep(TrackerSettings settings, double fps, PipelineTelemetry telemetry, String pipeline) {
        this.tracker = new ByteTracker(settings);
        this.framePeriodNanos = fps > 0 ? 1e9 / fps : 0;
        this.telemetry = telemetry;
        this.pipeline = pipeline;
    }

    @Override
    public StepOutput apply(Frame frame, FrameImage image) {
        throw new IllegalStateException("track runs with its context");
    }

    @Override
    public StepOutput apply(Frame frame, FrameImage image, StepContext context) {
        List<Detection> found = context.found();
        List<Box> boxes = new ArrayList<>(found.size());
        for (Detection d : found) {
            boxes.add(new Box(d.x(), d.y(), d.w(), d.h(), d.label(), (float) d.score()));
        }
        long timeNanos = framePeriodNanos > 0 ? Math.round((frame.index() - 1) * framePeriodNanos) : frame.receivedNanos();
        int[] ids = tracker.update(boxes, timeNanos);
        context.session().put(TRACKED, new Tracked(frame.index(), timeNanos, tracker.removedIds()));
        List<Detection> annotated = new ArrayList<>(found.size());
        for (int i = 0; i < found.size(); i++) {
            Detection d = found.get(i);
            if (ids[i] == ByteTracker.NO_TRACK) {
                annotated.add(d);
            } else {
                Map<String, Object> extras = new HashMap<>(d.extras());
                extras.put("track_id", ids[i]);
                annotated.add(new Detection(d.x(), d.y(), d.w(), d.h(), d.label(), d.score(), extras));
            }
        }
        long active = tracker.activeTracks();
        telemetry.tracksChanged(pipeline, active - reported);
        reported = active;
        return StepOutput.replacing(Map.of("active", (int) active), annotated, Map.of());
    }

    @Override
    public void close() {
        telemetry.tracksChanged(pipeline, -reported);
        reported = 0;
    }
}
