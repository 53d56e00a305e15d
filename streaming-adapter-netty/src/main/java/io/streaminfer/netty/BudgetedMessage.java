package io.streaminfer.netty;

import io.netty.buffer.ByteBuf;
import io.streaminfer.core.MemoryBudget;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The binary message a connection is reading, collected by the {@link FrameGuard} from its frames'
 * payloads as they arrive, unmasked, in one heap array whose capacity is reserved from the server's
 * {@link MemoryBudget} before it is allocated. This is the only place a client's message is held
 * before the engine takes it: the bytes go from the buffer of a socket read straight into this array
 * (Netty's frame decoder, which would accumulate a whole frame in pooled direct buffers and copy it
 * twice, never sees data frames).
 *
 * <p>A message sent as one frame gets an array of exactly its size, reserved at the frame's header.
 * A fragmented one grows by doubling (from 64 KiB, at most the frame limit) and gets an array of
 * exactly its size at its last fragment when that one does not fit; during a growth the old and
 * the new array are both reserved. The reservation is given back when the engine takes the array
 * ({@link #take}: the engine reserves the same bytes itself, and holding both would have a nearly
 * full budget drop frames it can hold), when the message is dropped and when the connection ends
 * ({@link #discard}). Used on the channel's event loop only.
 */
final class BudgetedMessage {

    private static final int INITIAL_CAPACITY = 64 * 1024;
    /** The largest array a JVM allocates everywhere. */
    static final int MAX_ARRAY = Integer.MAX_VALUE - 8;
    private static final byte[] EMPTY = new byte[0];
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final MemoryBudget budget;
    private final int limit;
    private byte[] bytes = EMPTY;
    private int size;
    private long reserved;

    /**
     * @param budget the server's memory budget
     * @param limit  the frame limit: the most a message may hold (capped at {@link #MAX_ARRAY})
     */
    BudgetedMessage(MemoryBudget budget, long limit) {
        this.budget = budget;
        this.limit = (int) Math.min(MAX_ARRAY, limit);
    }

    /**
     * Makes room for the payload of the next frame of the message, from its header.
     *
     * @param frameBytes the frame's payload length; the message with it stays within the limit
     * @param last       whether the frame ends the message
     * @return false when the budget cannot hold it: the message so far is discarded
     */
    boolean expect(long frameBytes, boolean last) {
        long needed = size + frameBytes;
        if (needed <= bytes.length) {
            return true;
        }
        int capacity = (int) (last ? needed
                : Math.min(limit, Math.max(needed, Math.max(INITIAL_CAPACITY, 2L * bytes.length))));
        if (!budget.tryReserve(capacity)) {
            discard();
            return false;
        }
        reserved += capacity;
        byte[] grown = size == 0 ? new byte[capacity] : Arrays.copyOf(bytes, capacity);
        releaseUpTo(capacity); // the old array's share
        bytes = grown;
        return true;
    }

    /**
     * Copies payload bytes of the current frame to the end of the message, unmasked.
     *
     * @param source      the buffer read from the socket; left as it was
     * @param index       where the bytes start in it
     * @param length      how many; room for them was made by {@link #expect}
     * @param mask        the frame's masking key (RFC 6455 section 5.3), 0 for none
     * @param frameOffset how many payload bytes of the frame came before these
     */
    void append(ByteBuf source, int index, int length, int mask, long frameOffset) {
        source.getBytes(index, bytes, size, length);
        unmask(bytes, size, length, mask, frameOffset);
        size += length;
    }

    /**
     * @return the whole message, which the caller owns; the reservation goes back and the next
     *         message starts empty. A fragmented message whose array grew past its size is copied
     *         into one of its size (the engine takes the array as the message).
     */
    byte[] take() {
        byte[] message = bytes.length == size ? bytes : Arrays.copyOf(bytes, size);
        bytes = EMPTY;
        size = 0;
        releaseUpTo(0);
        return message;
    }

    /** Drops the message so far and gives its reservation back. */
    void discard() {
        bytes = EMPTY;
        size = 0;
        releaseUpTo(0);
    }

    private void releaseUpTo(long keep) {
        if (reserved > keep) {
            budget.release(reserved - keep);
            reserved = keep;
        }
    }

    /**
     * XORs {@code length} bytes from {@code from} with the masking key, eight bytes at a time: the
     * key is rotated to the frame offset the bytes start at, which a multiple of eight keeps.
     */
    static void unmask(byte[] data, int from, int length, int mask, long frameOffset) {
        if (mask == 0 || length == 0) {
            return;
        }
        int key = Integer.rotateLeft(mask, 8 * (int) (frameOffset & 3));
        long keys = (key & 0xFFFF_FFFFL) | ((long) key << 32);
        int i = from;
        int end = from + length;
        for (; i <= end - Long.BYTES; i += Long.BYTES) {
            LONGS.set(data, i, (long) LONGS.get(data, i) ^ keys);
        }
        for (int k = i - from; i < end; i++, k++) {
            data[i] ^= (byte) (key >>> (24 - 8 * (k & 3)));
        }
    }
}
