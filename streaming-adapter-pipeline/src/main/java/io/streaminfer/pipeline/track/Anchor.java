package io.streaminfer.pipeline.track;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The one point of a track's box that {@link ZoneJudge} tests against zones and lines. */
public enum Anchor {
    /** The middle of the box's bottom edge: where a person or a vehicle touches the ground. */
    BOTTOM_CENTRE,
    /** The middle of the box. */
    CENTRE,
    /** The middle of the box's top edge. */
    TOP_CENTRE;

    /** @return the name in pipelines files: {@code bottom_centre}, {@code centre} or {@code top_centre} */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param name a name from a pipelines file
     * @return the anchor; never {@literal null}
     * @throws IllegalArgumentException naming the known anchors when {@code name} is none of them
     */
    public static Anchor fromConfigName(String name) {
        for (Anchor anchor : values()) {
            if (anchor.configName().equals(name)) {
                return anchor;
            }
        }
        throw new IllegalArgumentException("anchor must be one of "
                + Arrays.stream(values()).map(Anchor::configName).collect(Collectors.joining(", ")) + ", got " + name);
    }

    double x(Box box) {
        return box.x() + box.w() / 2.0;
    }

    double y(Box box) {
        return switch (this) {
            case BOTTOM_CENTRE -> box.y() + (double) box.h();
            case CENTRE -> box.y() + box.h() / 2.0;
            case TOP_CENTRE -> box.y();
        };
    }
}
