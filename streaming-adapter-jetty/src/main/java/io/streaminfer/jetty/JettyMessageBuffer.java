package io.streaminfer.jetty;

import io.streaminfer.protocol.ReadReservation;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One binary message collected from the pieces Jetty hands {@link JettyFrameGuard} as its bytes
 * arrive, in one array whose capacity is reserved from the memory budget before it is allocated.
 * The array doubles (from 64 KiB, at most the frame limit), so a message costs at most its size
 * rounded up to a power of two, and during a growth the old array too; both are reserved.
 * Used by one reading thread at a time.
 */
final class JettyMessageBuffer {

    private static final int INITIAL_CAPACITY = 64 * 1024;
    private static final byte[] EMPTY = new byte[0];

    private final ReadReservation reservation;
    private final int limit;
    private byte[] bytes = EMPTY;
    private int size;

    /**
     * @param reservation the connection's share of the memory budget
     * @param limit       the frame limit: the most a message may hold
     */
    JettyMessageBuffer(ReadReservation reservation, long limit) {
        this.reservation = reservation;
        this.limit = (int) Math.min(Integer.MAX_VALUE - 8, limit);
    }

    /**
     * Copies a piece to the end of the message.
     *
     * @param piece the piece's payload, left as it was
     * @return false when the budget cannot hold the larger array the piece needs: nothing was copied
     */
    boolean append(ByteBuffer piece) {
        int length = piece.remaining();
        int needed = size + length;
        if (needed > bytes.length) {
            int capacity = (int) Math.min(limit, Math.max(needed, Math.max(INITIAL_CAPACITY, 2L * bytes.length)));
            if (!reservation.tryReserve(capacity)) {
                return false;
            }
            byte[] grown = Arrays.copyOf(bytes, capacity);
            reservation.release(bytes.length);
            bytes = grown;
        }
        piece.duplicate().get(bytes, size, length);
        size = needed;
        return true;
    }

    /**
     * @return the message so far; the buffer starts afresh and the array's reservation stays held
     *         until the caller releases it, once the message is handed on
     */
    ByteBuffer take() {
        ByteBuffer message = ByteBuffer.wrap(bytes, 0, size);
        bytes = EMPTY;
        size = 0;
        return message;
    }

    /** Drops the message so far and gives its array's reservation back. */
    void discard() {
        bytes = EMPTY;
        size = 0;
        reservation.releaseAll();
    }
}
