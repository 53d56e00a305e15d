package io.streaminfer.netty;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.streaminfer.core.MemoryBudget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Netty runtime's frame handlers on an {@link EmbeddedChannel} (Netty's own in-memory channel,
 * so a test decides where the reads split): a binary message reaches the engine whole and
 * unmasked, read into one array reserved from the memory budget, and never held in a buffer of
 * Netty's larger than a socket read, however the client splits it into frames and however the
 * frames split across reads.
 */
class FrameGuardTest {

    private static final int BINARY = 0x2;
    private static final int CONTINUATION = 0x0;
    private static final int PING = 0x9;
    private static final int FIN = 0x80;
    private static final long LIMIT = 8L * 1024 * 1024;
    /** The most Netty's adaptive receive buffer reads at once. */
    private static final int LARGEST_READ = 64 * 1024;

    private final Random random = new Random(23);
    private final RecordingAllocator allocator = new RecordingAllocator();
    private final Recorded input = new Recorded();
    private MemoryBudget budget;
    private EmbeddedChannel channel;

    private void open(long budgetBytes) {
        budget = new MemoryBudget(budgetBytes);
        channel = new EmbeddedChannel();
        channel.config().setAllocator(allocator);
        StreamConnection connection = new StreamConnection(channel, budget);
        connection.input(input);
        channel.pipeline().addLast(new WebSocket08FrameEncoder(false), new FrameGuard(connection, LIMIT),
                new WebSocket08FrameDecoder(WebSocketSwitch.decoderConfig(LIMIT)), new StreamFrameHandler(connection));
    }

    @AfterEach
    void close() {
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    @DisplayName("a 4.9 MiB frame in reads of any size is one unmasked array, and Netty's buffers stay at the size of a read")
    void largeFrameIsCollectedIntoOneArray() {
        open(64L * 1024 * 1024);
        byte[] payload = randomBytes((int) (4.9 * 1024 * 1024));

        writeInReads(frame(FIN | BINARY, payload, random.nextInt()));

        assertThat(input.messages).hasSize(1);
        assertThat(input.messages.get(0)).isEqualTo(payload);
        assertThat(allocator.largest.get()).as("the largest buffer Netty's allocator was asked for")
                .isLessThanOrEqualTo(LARGEST_READ);
        assertThat(budget.used()).as("given back as the engine takes the message").isZero();
    }

    @Test
    @DisplayName("the message's bytes are reserved from its header until the engine takes it, and given back if the client leaves")
    void budgetHoldsTheMessageBeingRead() {
        open(64L * 1024 * 1024);
        byte[] payload = randomBytes(3 * 1024 * 1024);
        byte[] frame = frame(FIN | BINARY, payload, random.nextInt());

        channel.writeInbound(Unpooled.wrappedBuffer(frame, 0, frame.length / 2));

        assertThat(budget.used()).isEqualTo(payload.length);
        assertThat(input.messages).isEmpty();
        channel.close();
        assertThat(budget.used()).as("after the connection ended mid-message").isZero();
    }

    @Test
    @DisplayName("fragments with a ping between them are one message, and the ping is answered in order")
    void fragmentsAndPingsInOrder() {
        open(64L * 1024 * 1024);
        byte[] payload = randomBytes(700_001);
        byte[][] parts = {Arrays.copyOfRange(payload, 0, 3), Arrays.copyOfRange(payload, 3, 300_000),
                Arrays.copyOfRange(payload, 300_000, payload.length)};
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        stream.writeBytes(frame(BINARY, parts[0], random.nextInt()));
        stream.writeBytes(frame(FIN | PING, "are you there".getBytes(StandardCharsets.UTF_8), random.nextInt()));
        stream.writeBytes(frame(CONTINUATION, parts[1], random.nextInt()));
        stream.writeBytes(frame(FIN | CONTINUATION, parts[2], random.nextInt()));
        stream.writeBytes(frame(FIN | BINARY, new byte[] {1, 2, 3, 4, 5}, random.nextInt()));

        writeInReads(stream.toByteArray());

        assertThat(input.violations).isEmpty();
        assertThat(input.messages).hasSize(2);
        assertThat(input.messages.get(0)).isEqualTo(payload);
        assertThat(input.messages.get(1)).containsExactly(1, 2, 3, 4, 5);
        assertThat(written()).isEqualTo(pong("are you there"));
        assertThat(budget.used()).isZero();
    }

    @Test
    @DisplayName("a ping whose header is split across reads is answered with its own payload")
    void headerSplitAcrossReads() {
        open(1024 * 1024);
        byte[] ping = frame(FIN | PING, "ping!".getBytes(StandardCharsets.UTF_8), 0x01020304);
        for (int split = 1; split < 6; split++) {
            channel.writeInbound(Unpooled.wrappedBuffer(ping, 0, split));
            channel.writeInbound(Unpooled.wrappedBuffer(ping, split, ping.length - split));

            assertThat(written()).as("the answer to a ping split at %d", split).isEqualTo(pong("ping!"));
        }
        assertThat(input.violations).isEmpty();
    }

    @Test
    @DisplayName("a message the budget cannot hold is skipped unread; the next one gets through")
    void messageBeyondTheBudgetIsSkipped() {
        open(1024 * 1024);
        writeInReads(frame(FIN | BINARY, randomBytes(2 * 1024 * 1024), random.nextInt()));
        writeInReads(frame(FIN | BINARY, new byte[] {9}, random.nextInt()));

        assertThat(input.skipped).containsExactly(2L * 1024 * 1024);
        assertThat(input.messages).hasSize(1);
        assertThat(input.messages.get(0)).containsExactly(9);
        assertThat(budget.used()).isZero();
    }

    @Test
    @DisplayName("a continuation without a start, or a new message inside a fragmented one, is a protocol violation")
    void fragmentsOutOfOrder() {
        open(1024 * 1024);
        writeInReads(frame(FIN | CONTINUATION, new byte[] {1}, random.nextInt()));
        assertThat(input.violations).containsExactly("continuation frame without a start");

        close();
        input.violations.clear();
        open(1024 * 1024);
        writeInReads(frame(BINARY, new byte[] {1}, random.nextInt()));
        writeInReads(frame(FIN | BINARY, new byte[] {2}, random.nextInt()));
        assertThat(input.violations).containsExactly("new message inside a fragmented message");
        assertThat(input.messages).isEmpty();
        assertThat(budget.used()).isZero();
    }

    @Test
    @DisplayName("unmasking eight bytes at a time matches RFC 6455's byte-by-byte rule from any offset")
    void unmaskMatchesTheRfc() {
        for (int offset = 0; offset < 12; offset++) {
            for (int length = 0; length < 40; length++) {
                int mask = random.nextInt();
                byte[] data = randomBytes(length + 3);
                byte[] expected = data.clone();
                for (int i = 0; i < length; i++) {
                    expected[3 + i] ^= (byte) (mask >>> (24 - 8 * ((offset + i) & 3)));
                }
                BudgetedMessage.unmask(data, 3, length, mask, offset);
                assertThat(data).as("offset %d, length %d", offset, length).isEqualTo(expected);
            }
        }
    }

    /** @return what the server wrote since the last call */
    private byte[] written() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuf buffer = channel.readOutbound(); buffer != null; buffer = channel.readOutbound()) {
            byte[] bytes = new byte[buffer.readableBytes()];
            buffer.readBytes(bytes);
            buffer.release();
            out.writeBytes(bytes);
        }
        return out.toByteArray();
    }

    /** A server's pong frame: unmasked. */
    private static byte[] pong(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] frame = new byte[2 + payload.length];
        frame[0] = (byte) (FIN | 0xA);
        frame[1] = (byte) payload.length;
        System.arraycopy(payload, 0, frame, 2, payload.length);
        return frame;
    }

    /** Writes the bytes as reads of random sizes up to {@link #LARGEST_READ}, each in a buffer of its own. */
    private void writeInReads(byte[] bytes) {
        for (int at = 0; at < bytes.length; ) {
            int n = Math.min(bytes.length - at, 1 + random.nextInt(LARGEST_READ));
            channel.writeInbound(Unpooled.copiedBuffer(bytes, at, n));
            at += n;
        }
    }

    private byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    /** One client frame: {@code first} is the FIN bit and opcode; the payload masked with {@code mask}. */
    static byte[] frame(int first, byte[] payload, int mask) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(first);
        int n = payload.length;
        if (n < 126) {
            out.write(0x80 | n);
        } else if (n < 65_536) {
            out.write(0x80 | 126);
            out.write(n >>> 8);
            out.write(n);
        } else {
            out.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) ((long) n >>> shift));
            }
        }
        for (int shift = 24; shift >= 0; shift -= 8) {
            out.write(mask >>> shift);
        }
        for (int i = 0; i < n; i++) {
            out.write(payload[i] ^ (mask >>> (24 - 8 * (i & 3))));
        }
        return out.toByteArray();
    }

    /** What the connection reported. */
    private static final class Recorded implements ConnectionInput {
        final List<byte[]> messages = new ArrayList<>();
        final List<Long> skipped = new ArrayList<>();
        final List<String> violations = new ArrayList<>();

        @Override
        public void onBinaryMessage(byte[] data) {
            messages.add(data);
        }

        @Override
        public void onTextMessage(String text) {
            throw new AssertionError("no text was sent");
        }

        @Override
        public void onFrameTooLarge(long declaredBytes) {
            throw new AssertionError("no frame passes the limit");
        }

        @Override
        public void onFrameSkipped(long declaredBytes) {
            skipped.add(declaredBytes);
        }

        @Override
        public void onProtocolViolation(String reason) {
            violations.add(reason);
        }

        @Override
        public void onTransportClosed(int closeCode) {
            // the end of each test's channel
        }
    }

    /** Unpooled buffers, remembering the largest one asked for. */
    private static final class RecordingAllocator extends AbstractByteBufAllocator {
        final AtomicInteger largest = new AtomicInteger();

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            largest.accumulateAndGet(initialCapacity, Math::max);
            return new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            largest.accumulateAndGet(initialCapacity, Math::max);
            return new UnpooledDirectByteBuf(this, initialCapacity, maxCapacity);
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }
    }
}
