package io.streaminfer.pipeline;

import io.streaminfer.core.Frame;
import io.streaminfer.core.FrameProcessor;
import io.streaminfer.core.PipelineRegistry;
import io.streaminfer.tck.SampleFrames;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The clock of {@code track} and {@code zones}: arrival times by default, the frame index at a
 * given {@code fps} when set. Real JPEG frames through {@code motion → track → zones}: a textured
 * square moving 16 pixels a frame across coffee.jpg, the frames arriving unevenly as a recording
 * streamed in lossless mode does (a burst, a stall), or all at once.
 */
class TrackClockTest {

    private static final long MILLI = 1_000_000L;

    private static FrameProcessor open(Path dir, String track, String zones) throws Exception {
        Path file = Files.writeString(dir.resolve("pipelines.json"), """
                {"p": {"steps": [{"step": "motion", "learning_rate": 1.0}, TRACK, ZONES]}}
                """.replace("TRACK", track).replace("ZONES", zones));
        PipelineRegistry registry = Pipelines.fromFile(file, PipelineOptions.ofDefaults());
        return registry.open("p", "session-1");
    }

    /** Runs the frames with the given arrival times (ms); @return each frame's result fields. */
    private static List<Map<String, Object>> run(FrameProcessor pipeline, List<byte[]> jpegs, long[] arrivalMillis) throws Exception {
        List<Map<String, Object>> results = new ArrayList<>();
        for (int i = 0; i < jpegs.size(); i++) {
            Frame frame = TestFrames.frame(jpegs.get(i), i + 1);
            frame = new Frame(frame.index(), frame.jpeg(), frame.info(), arrivalMillis[i] * MILLI);
            results.add(pipeline.process(frame).fields());
        }
        return results;
    }

    /** The background, then the square from x = 40 moving right 16 pixels a frame. */
    private static List<byte[]> movingSquare(int frames) {
        List<byte[]> jpegs = new ArrayList<>();
        jpegs.add(SampleFrames.coffee());
        for (int i = 0; i < frames; i++) {
            jpegs.add(SampleFrames.coffeeWithSquareAt(40 + 16 * i));
        }
        return jpegs;
    }

    /** 10 ms apart (the server's pace on a lossless burst), with one 300 ms stall in the middle. */
    private static long[] unevenArrivals(int count) {
        long[] at = new long[count];
        for (int i = 1; i < count; i++) {
            at[i] = at[i - 1] + (i == count / 2 ? 300 : 10);
        }
        return at;
    }

    @SuppressWarnings("unchecked")
    private static Set<Integer> trackIds(List<Map<String, Object>> results) {
        Set<Integer> ids = new LinkedHashSet<>();
        for (Map<String, Object> result : results) {
            for (Object d : (List<Object>) result.get("detections")) {
                Object id = d instanceof io.streaminfer.core.Detection detection ? detection.extras().get("track_id")
                        : ((Map<String, Object>) d).get("track_id");
                if (id != null) {
                    ids.add((Integer) id);
                }
            }
        }
        return ids;
    }

    @Test
    @DisplayName("with fps, a recording streamed unevenly keeps one track across a stall; on arrival times the stall splits it")
    void fpsClockIgnoresArrivalJitter(@TempDir Path dir) throws Exception {
        List<byte[]> jpegs = movingSquare(24);
        long[] arrivals = unevenArrivals(jpegs.size());
        String zones = "{\"step\": \"zones\", \"lines\": [{\"name\": \"gate\", \"from\": [0.5, 0], \"to\": [0.5, 1]}]}";

        try (FrameProcessor filmed = open(dir, "{\"step\": \"track\", \"min_hits\": 2, \"fps\": 10}", zones)) {
            assertThat(trackIds(run(filmed, jpegs, arrivals))).as("one object, one track").hasSize(1);
        }
        try (FrameProcessor arrived = open(dir, "{\"step\": \"track\", \"min_hits\": 2}", zones)) {
            assertThat(trackIds(run(arrived, jpegs, arrivals)))
                    .as("a velocity learnt over 10 ms gaps carried over the stall overshoots: the case fps is for")
                    .hasSizeGreaterThan(1);
        }
    }

    @Test
    @DisplayName("zones time dwell_s on the tracker's clock: a square standing in a zone for 11 frames at fps 10 loiters, though they all arrived in one millisecond")
    @SuppressWarnings("unchecked")
    void loiterOnTheFpsClock(@TempDir Path dir) throws Exception {
        List<byte[]> jpegs = new ArrayList<>();
        jpegs.add(SampleFrames.coffee());
        for (int i = 0; i < 14; i++) {
            jpegs.add(SampleFrames.coffeeWithSquareAt(300 + (i % 2) * 4)); // jiggling in place: motion keeps seeing it
        }
        long[] sameMillisecond = new long[jpegs.size()];
        String zones = "{\"step\": \"zones\", \"zones\": [{\"name\": \"desk\", \"dwell_s\": 1.0, \"polygon\": [[0.4, 0], [0.7, 0], [0.7, 1], [0.4, 1]]}]}";

        for (boolean withFps : new boolean[] {true, false}) {
            String track = "{\"step\": \"track\", \"min_hits\": 2" + (withFps ? ", \"fps\": 10}" : "}");
            try (FrameProcessor pipeline = open(dir, track, zones)) {
                List<String> events = new ArrayList<>();
                for (Map<String, Object> result : run(pipeline, jpegs, sameMillisecond)) {
                    for (Object e : (List<Object>) result.get("events")) {
                        events.add(String.valueOf(((Map<String, Object>) e).get("type")));
                    }
                }
                if (withFps) {
                    assertThat(events).as("13 frames in the zone at 10 fps is 1.2 s").containsExactly("enter", "loiter");
                } else {
                    assertThat(events).as("no time passed by arrival").containsExactly("enter");
                }
            }
        }
    }
}
