package io.streaminfer.pipeline.track;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ZoneDefinitionsTest {

    private static final List<Point> TRIANGLE = List.of(new Point(0, 0), new Point(1, 0), new Point(0.5, 1));
    private static final Point A = new Point(0.1, 0.5);
    private static final Point B = new Point(0.9, 0.5);

    @Test
    @DisplayName("a zone needs a name, at least 3 points, coordinates within 0..1 and dwell_s of 0 or more")
    void zoneValidation() {
        assertThatThrownBy(() -> new Zone(" ", TRIANGLE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name");
        assertThatThrownBy(() -> new Zone("z", TRIANGLE.subList(0, 2))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("zone 'z'").hasMessageContaining("points").hasMessageContaining("2");
        assertThatThrownBy(() -> new Zone("z", null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("points");
        assertThatThrownBy(() -> new Zone("z", List.of(new Point(0, 0), new Point(1.5, 0), new Point(0, 1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("points[1].x");
        assertThatThrownBy(() -> new Zone("z", List.of(new Point(0, 0), new Point(1, 0), new Point(0, -0.1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("points[2].y");
        assertThatThrownBy(() -> new Zone("z", TRIANGLE, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dwell_s");
        assertThatThrownBy(() -> new Zone("z", TRIANGLE, Double.NaN)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dwell_s");
    }

    @Test
    @DisplayName("a zone copies its points")
    void zoneCopies() {
        List<Point> points = new ArrayList<>(TRIANGLE);
        Zone zone = new Zone("z", points, 0);
        points.clear();

        assertThat(zone.points()).hasSize(3);
        assertThat(zone.dwellSeconds()).isZero();
    }

    @Test
    @DisplayName("a line needs a name, two different ends within 0..1 and min_frames 1..100 (default 2)")
    void lineValidation() {
        assertThat(new CountLine("l", A, B).minFrames()).isEqualTo(2);
        assertThatThrownBy(() -> new CountLine("", A, B)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name");
        assertThatThrownBy(() -> new CountLine("l", A, new Point(0.1, 0.5))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 'l'").hasMessageContaining("from and to");
        assertThatThrownBy(() -> new CountLine("l", new Point(-0.1, 0.5), B)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("from.x");
        assertThatThrownBy(() -> new CountLine("l", A, new Point(0.5, 2))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("to.y");
        assertThatThrownBy(() -> new CountLine("l", null, B)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("from");
        assertThatThrownBy(() -> new CountLine("l", A, B, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("min_frames");
        assertThatThrownBy(() -> new CountLine("l", A, B, 101)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("min_frames");
    }

    @Test
    @DisplayName("zone and line names are unique within a judge")
    void uniqueNames() {
        assertThatThrownBy(() -> new ZoneJudge(List.of(new Zone("door", TRIANGLE)), List.of(new CountLine("door", A, B)),
                Anchor.BOTTOM_CENTRE)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'door'");
    }

    @Test
    @DisplayName("anchors are read by their pipelines-file names; an unknown one is refused with the known ones")
    void anchors() {
        assertThat(Anchor.fromConfigName("bottom_centre")).isEqualTo(Anchor.BOTTOM_CENTRE);
        assertThat(Anchor.fromConfigName("centre")).isEqualTo(Anchor.CENTRE);
        assertThat(Anchor.fromConfigName("top_centre")).isEqualTo(Anchor.TOP_CENTRE);
        assertThatThrownBy(() -> Anchor.fromConfigName("middle")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("anchor").hasMessageContaining("bottom_centre, centre, top_centre");
    }

    @Test
    @DisplayName("events, tracked boxes and boxes check their values")
    void values() {
        assertThatThrownBy(() -> new ZoneEvent(ZoneEvent.Type.ENTER, "z", 1, "person", ZoneEvent.Direction.IN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("direction");
        assertThatThrownBy(() -> new ZoneEvent(ZoneEvent.Type.CROSS, "l", 1, "person", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("direction");
        assertThatThrownBy(() -> new TrackedBox(0, new Box(0, 0, 1, 1, "person", 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trackId");
        assertThatThrownBy(() -> new Box(0, 0, -1, 1, "person", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Box(Float.NaN, 0, 1, 1, "person", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ZoneJudge(List.of(), List.of(), Anchor.CENTRE)
                .judge(List.of(), new int[0], 0, 480, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("size");
    }
}
