package io.streaminfer.jetty;

import io.streaminfer.core.MemoryBudget;
import io.streaminfer.protocol.ReadReservation;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;

class JettyMessageBufferTest {

    private static final int LIMIT = 5 * 1024 * 1024;

    private final MemoryBudget budget = new MemoryBudget(16L * 1024 * 1024);
    private final ReadReservation reservation = new ReadReservation(budget);
    private final JettyMessageBuffer buffer = new JettyMessageBuffer(reservation, LIMIT);

    @Test
    @DisplayName("pieces are joined in order; the array's capacity is reserved as it grows and stays reserved until released")
    void joinsPiecesUnderTheBudget() {
        byte[] piece = new byte[4096];
        for (int i = 0; i < 300; i++) {
            java.util.Arrays.fill(piece, (byte) i);
            ByteBuffer wrapped = ByteBuffer.wrap(piece);
            assertThat(buffer.append(wrapped)).isTrue();
            assertThat(wrapped.remaining()).as("the piece is left as it was").isEqualTo(4096);
            assertThat(budget.used()).isBetween((i + 1) * 4096L, Math.max(64 * 1024, 2L * (i + 1) * 4096));
        }
        ByteBuffer message = buffer.take();

        assertThat(message.remaining()).isEqualTo(300 * 4096);
        assertThat(message.get(299 * 4096)).isEqualTo((byte) 299);
        assertThat(budget.used()).isEqualTo(2 * 1024 * 1024); // 1.2 MB in a 2 MiB array
        reservation.releaseAll();
        assertThat(budget.used()).isZero();
    }

    @Test
    @DisplayName("the array never grows past the frame limit")
    void capacityStopsAtTheLimit() {
        assertThat(buffer.append(ByteBuffer.allocate(LIMIT - 100))).isTrue();
        assertThat(buffer.append(ByteBuffer.allocate(100))).isTrue();

        assertThat(budget.used()).isEqualTo(LIMIT);
    }

    @Test
    @DisplayName("a piece the budget cannot hold is refused without copying; discarding gives everything back")
    void refusedPastTheBudget() {
        assertThat(budget.tryReserve(budget.limit() - 1024 * 1024)).isTrue();
        assertThat(buffer.append(ByteBuffer.allocate(600 * 1024))).isTrue();

        assertThat(buffer.append(ByteBuffer.allocate(600 * 1024))).isFalse();
        buffer.discard();

        assertThat(budget.used()).isEqualTo(budget.limit() - 1024 * 1024);
    }

    @Test
    @DisplayName("after the connection closed nothing more is reserved")
    void nothingAfterClose() {
        assertThat(buffer.append(ByteBuffer.allocate(1000))).isTrue();
        reservation.close();

        assertThat(budget.used()).isZero();
        assertThat(buffer.append(ByteBuffer.allocate(100_000))).isFalse();
        assertThat(budget.used()).isZero();
    }
}
