package io.streaminfer.protocol;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LogRepeatsTest {

    private static final long MINUTE = 60_000_000_000L;

    @Test
    @DisplayName("the first line is written, repeats within the interval are counted, the next line says how many")
    void oneLineAnInterval() {
        LogRepeats repeats = new LogRepeats(MINUTE);

        assertThat(repeats.admit(0)).isZero();
        assertThat(repeats.admit(1)).isEqualTo(-1);
        assertThat(repeats.admit(MINUTE - 1)).isEqualTo(-1);
        assertThat(repeats.admit(MINUTE)).isEqualTo(2);
        assertThat(repeats.admit(MINUTE + 5)).isEqualTo(-1);
        assertThat(repeats.admit(3 * MINUTE)).isEqualTo(1);
    }

    @Test
    @DisplayName("a clock that starts at a negative value (System.nanoTime may) still lets the first line through")
    void negativeStart() {
        LogRepeats repeats = new LogRepeats(MINUTE);

        assertThat(repeats.admit(-5 * MINUTE)).isZero();
        assertThat(repeats.admit(-5 * MINUTE + 1)).isEqualTo(-1);
    }

    @Test
    void intervalMustBePositive() {
        assertThatThrownBy(() -> new LogRepeats(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
