package io.streaminfer.pipeline.track;

import java.util.Locale;
import java.util.Objects;

/**
 * Something a track did in a zone or at a line, in one frame.
 *
 * @param type      what happened; never {@literal null}
 * @param place     the zone's name for {@code enter}, {@code leave} and {@code loiter}; the line's
 *                  name for {@code cross}; never {@literal null}
 * @param trackId   the track's id
 * @param label     the track's label; never {@literal null}
 * @param direction for {@code cross} only, which way; {@literal null} for the other types
 */
public record ZoneEvent(Type type, String place, int trackId, String label, Direction direction) {

    /** Checks that a direction comes with, and only with, a crossing. */
    public ZoneEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(place, "place");
        Objects.requireNonNull(label, "label");
        if ((type == Type.CROSS) != (direction != null)) {
            throw new IllegalArgumentException("a direction is given for cross events and only for them, got "
                    + type.wireName() + " with direction " + direction);
        }
    }

    /** What a track did. */
    public enum Type {
        /** Its anchor came inside a zone (or was inside when the track was first seen). */
        ENTER,
        /** Its anchor went out of a zone, or its track was removed while inside. */
        LEAVE,
        /** It has been inside a zone for the zone's {@code dwell_s}; once per visit. */
        LOITER,
        /** It crossed a line; see {@link ZoneJudge} for the direction. */
        CROSS;

        /** @return the name on the wire: {@code enter}, {@code leave}, {@code loiter} or {@code cross} */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** @return whether {@link ZoneEvent#place()} names a line (else a zone) */
        public boolean atLine() {
            return this == CROSS;
        }
    }

    /** Which way a track crossed a line. */
    public enum Direction {
        /** From the left side to the right side, looking from the line's {@code from} to its {@code to}. */
        IN,
        /** From the right side to the left side. */
        OUT;

        /** @return the name on the wire: {@code in} or {@code out} */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
