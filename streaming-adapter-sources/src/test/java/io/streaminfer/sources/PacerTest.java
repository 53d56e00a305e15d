package io.streaminfer.sources;

import io.streaminfer.core.ManualClock;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PacerTest {

    private final ManualClock clock = new ManualClock();

    @Test
    @DisplayName("a 30 fps MJPEG camera read at 10 fps passes every third frame")
    void liveCameraIsThinned() {
        Pacer pacer = new Pacer(SourceDefinition.of("cam", "http://cam/video", "motion", 10), clock);
        int passed = 0;
        for (int i = 0; i < 90; i++) {
            passed += pacer.admit(nanos -> { throw new AssertionError("a live camera is never waited for"); }) ? 1 : 0;
            clock.advance(java.time.Duration.ofNanos(33_333_333));
        }
        assertThat(passed).isEqualTo(30);
    }

    @Test
    @DisplayName("a 15 fps MJPEG camera read at 10 fps still gives 10 frames a second")
    void slowerCameraKeepsTheRate() {
        Pacer pacer = new Pacer(SourceDefinition.of("cam", "http://cam/video", "motion", 10), clock);
        int passed = 0;
        for (int i = 0; i < 150; i++) { // 10 s
            passed += pacer.admit(nanos -> { throw new AssertionError("a live camera is never waited for"); }) ? 1 : 0;
            clock.advance(java.time.Duration.ofNanos(66_666_667));
        }
        assertThat(passed).isBetween(99, 101);
    }

    @Test
    @DisplayName("a folder waits until each frame is due, and after a stall starts again from now instead of bursting")
    void folderIsPaced() {
        Pacer pacer = new Pacer(new SourceDefinition("demo", "/srv/frames", "motion", 4, SourceDefinition.Kind.FOLDER), clock);
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            assertThat(pacer.admit(nanos -> {
                waits.add(nanos);
                clock.advance(java.time.Duration.ofNanos(nanos));
            })).isTrue();
            clock.advanceMillis(10); // reading and handing on the frame
        }
        assertThat(waits).containsExactly(240_000_000L, 240_000_000L);
        clock.advanceMillis(5_000); // a stall: the disk, or the machine
        waits.clear();
        pacer.admit(waits::add);
        pacer.admit(nanos -> {
            waits.add(nanos);
            clock.advance(java.time.Duration.ofNanos(nanos));
        });
        assertThat(waits).as("no burst: the frame after the stall waits a whole interval").containsExactly(250_000_000L);
    }

    @Test
    @DisplayName("FFmpeg's frames all pass: it dropped the extra ones before encoding them")
    void ffmpegFramesPass() {
        Pacer pacer = new Pacer(SourceDefinition.of("door", "rtsp://cam/s", "motion", 1), clock);
        assertThat(pacer.admit(nanos -> { throw new AssertionError(); })).isTrue();
        assertThat(pacer.admit(nanos -> { throw new AssertionError(); })).isTrue();
    }
}
