package io.streaminfer.tyrus;

import io.streaminfer.core.MemoryBudget;
import io.streaminfer.core.SessionStats;
import io.streaminfer.core.StreamSession;
import jakarta.websocket.CloseReason;
import org.glassfish.tyrus.spi.CompletionHandler;
import org.glassfish.tyrus.spi.Connection;
import org.glassfish.tyrus.spi.ReadHandler;
import org.glassfish.tyrus.spi.Writer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MessageSizeGuardTest {

    private static final int LIMIT = 1000;
    /** Small fragments for Tyrus, so the tests see frames cut up. */
    private static final int CHUNK = 100;

    private final MemoryBudget budget = new MemoryBudget(10 * LIMIT);
    /** What the budget held each time Tyrus was handed bytes. */
    private final List<Long> heldWhenForwarded = new ArrayList<>();
    private final ByteArrayOutputStream forwarded = new ByteArrayOutputStream();
    private final List<Integer> forwardedCalls = new ArrayList<>();
    private final List<String> engineCalls = new ArrayList<>();
    private final List<CloseReason> closes = new ArrayList<>();
    private final List<String> transport = new ArrayList<>();
    private final Connection connection = new Connection() {
        @Override
        public ReadHandler getReadHandler() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Writer getWriter() {
            throw new UnsupportedOperationException();
        }

        @Override
        public CloseListener getCloseListener() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close(CloseReason reason) {
            closes.add(reason);
        }
    };
    private final LingeringCloseWriter writer = new LingeringCloseWriter(new Writer() {
        @Override
        public void write(ByteBuffer buffer, CompletionHandler<ByteBuffer> handler) {
            transport.add("write");
        }

        @Override
        public void close() {
            transport.add("tcp close");
        }
    });
    /** The engine's side, as the guard sees it: a record of what it was told. */
    private final StreamSession session = new StreamSession() {
        @Override
        public String id() {
            return "1";
        }

        @Override
        public String pipelineId() {
            return "noop";
        }

        @Override
        public String remoteAddress() {
            return "127.0.0.1";
        }

        @Override
        public void onBinaryMessage(byte[] data) {
            engineCalls.add("binary");
        }

        @Override
        public void onTextMessage(String text) {
            engineCalls.add("text");
        }

        @Override
        public void onFrameTooLarge(long declaredBytes) {
            engineCalls.add("too large " + declaredBytes);
        }

        @Override
        public void onFrameSkipped(long declaredBytes) {
            engineCalls.add("skipped " + declaredBytes);
        }

        @Override
        public void onProtocolViolation(String reason) {
            engineCalls.add("violation: " + reason);
        }

        @Override
        public void onTransportClosed(int closeCode) {
            engineCalls.add("closed " + closeCode);
        }

        @Override
        public boolean isClosed() {
            return false;
        }

        @Override
        public SessionStats stats() {
            throw new UnsupportedOperationException();
        }
    };
    private final MessageSizeGuard guard = guard(session);

    private MessageSizeGuard guard(StreamSession engineSession) {
        return guard(engineSession, LIMIT);
    }

    private MessageSizeGuard guard(StreamSession engineSession, int chunk) {
        return new MessageSizeGuard(data -> {
            forwardedCalls.add(data.remaining());
            heldWhenForwarded.add(budget.used());
            forwarded.write(data.array(), data.arrayOffset() + data.position(), data.remaining());
        }, connection, writer, engineSession, LIMIT, budget, chunk);
    }

    /** A masked client frame: the mask is zero so the payload reads as is. */
    private static byte[] frame(int firstByte, long payloadLength, int actualPayload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(firstByte);
        if (payloadLength < 126) {
            out.write(0x80 | (int) payloadLength);
        } else if (payloadLength <= 0xFFFF) {
            out.write(0x80 | 126);
            out.write((int) (payloadLength >> 8));
            out.write((int) payloadLength & 0xFF);
        } else {
            out.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) (payloadLength >> shift) & 0xFF);
            }
        }
        out.writeBytes(new byte[4]);
        out.writeBytes(new byte[actualPayload]);
        return out.toByteArray();
    }

    /** What Tyrus should get for a stream of masked client frames: each frame with its mask removed. */
    private static byte[] unmasked(byte[] stream) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int pos = 0;
        while (pos < stream.length) {
            int lengthCode = stream[pos + 1] & 0x7F;
            int extra = lengthCode == 126 ? 2 : lengthCode == 127 ? 8 : 0;
            long length = lengthCode < 126 ? lengthCode : 0;
            for (int i = 0; i < extra; i++) {
                length = (length << 8) | (stream[pos + 2 + i] & 0xFF);
            }
            out.write(stream[pos]);
            out.write(stream[pos + 1] & 0x7F);
            out.write(stream, pos + 2, extra);
            int keyAt = pos + 2 + extra;
            for (int i = 0; i < length; i++) {
                out.write(stream[keyAt + 4 + i] ^ stream[keyAt + (i % 4)]);
            }
            pos = keyAt + 4 + (int) length;
        }
        return out.toByteArray();
    }

    /** A masked client frame with a real mask key over the given payload. */
    private static byte[] maskedFrame(int firstByte, byte[] payload, byte[] key) {
        byte[] zeroMasked = frame(firstByte, payload.length, payload.length);
        int keyAt = zeroMasked.length - payload.length - 4;
        System.arraycopy(key, 0, zeroMasked, keyAt, 4);
        for (int i = 0; i < payload.length; i++) {
            zeroMasked[keyAt + 4 + i] = (byte) (payload[i] ^ key[i % 4]);
        }
        return zeroMasked;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    @Test
    @DisplayName("frames within the limit pass, unmasked, one frame per call to Tyrus, whatever the chunking")
    void passesFramesThroughUnmasked() {
        byte[] stream = concat(frame(0x82, 500, 500), frame(0x82, LIMIT, LIMIT), frame(0x89, 3, 3), frame(0x82, 70, 70));
        guard.handle(ByteBuffer.wrap(stream));

        assertThat(forwarded.toByteArray()).isEqualTo(unmasked(stream));
        assertThat(forwardedCalls).containsExactly(4 + 500, 4 + LIMIT, 2 + 3, 2 + 70);
        assertThat(engineCalls).isEmpty();

        forwarded.reset();
        MessageSizeGuard fresh = guard(session);
        for (int i = 0; i < stream.length; i += 7) {
            fresh.handle(ByteBuffer.wrap(stream, i, Math.min(7, stream.length - i)));
        }
        assertThat(forwarded.toByteArray()).isEqualTo(unmasked(stream));
    }

    @Test
    @DisplayName("real mask keys are removed exactly, for every payload length and every way the bytes are split into reads")
    void unmasksWithRealKeys() {
        java.util.Random random = new java.util.Random(7);
        for (int chunk = 1; chunk <= 23; chunk++) {
            forwarded.reset();
            MessageSizeGuard fresh = guard(session);
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            for (int length : new int[] {0, 1, 3, 7, 8, 9, 15, 16, 17, 125, 126, 127, 300, LIMIT}) {
                byte[] payload = new byte[length];
                random.nextBytes(payload);
                byte[] key = new byte[4];
                random.nextBytes(key);
                stream.writeBytes(maskedFrame(0x82, payload, key));
            }
            byte[] bytes = stream.toByteArray();
            for (int i = 0; i < bytes.length; i += chunk) {
                fresh.handle(ByteBuffer.wrap(bytes, i, Math.min(chunk, bytes.length - i)));
            }

            assertThat(forwarded.toByteArray()).as("reads of %d bytes", chunk).isEqualTo(unmasked(bytes));
        }
    }

    @Test
    @DisplayName("a frame declaring more than the limit goes to the engine from its header; earlier frames still pass")
    void oversizedFrameGoesToTheEngine() {
        byte[] good = frame(0x82, 10, 10);
        byte[] huge = frame(0x82, 64L * 1024 * 1024, 100);

        guard.handle(ByteBuffer.wrap(concat(good, huge)));
        guard.handle(ByteBuffer.wrap(new byte[5000]));

        assertThat(forwarded.toByteArray()).isEqualTo(unmasked(good));
        assertThat(engineCalls).containsExactly("too large 67108864");
        assertThat(transport).as("the guard writes nothing itself").isEmpty();
        assertThat(closes).isEmpty();
    }

    @Test
    @DisplayName("after a refusal nothing is handed on, and the TCP close waits for the client's close frame")
    void tcpCloseWaitsForTheClientsClose() {
        byte[] huge = frame(0x82, 5000, 5000);
        byte[] more = frame(0x82, 10, 10);
        byte[] close = frame(0x88, 2, 2);
        guard.handle(ByteBuffer.wrap(huge, 0, 700));
        writer.write(ByteBuffer.allocate(4), null, new org.glassfish.tyrus.spi.WriterInfo(
                org.glassfish.tyrus.spi.WriterInfo.MessageType.CLOSE, org.glassfish.tyrus.spi.WriterInfo.RemoteEndpointType.SUPER));
        writer.close(); // what Tyrus does right after the engine's close frame

        assertThat(transport).containsExactly("write");

        byte[] rest = concat(java.util.Arrays.copyOfRange(huge, 700, huge.length), more, close);
        for (int i = 0; i < rest.length; i += 333) {
            guard.handle(ByteBuffer.wrap(rest, i, Math.min(333, rest.length - i)));
        }

        assertThat(forwarded.size()).isZero();
        assertThat(transport).containsExactly("write", "tcp close");
        assertThat(engineCalls).containsExactly("too large 5000");
    }

    @Test
    @DisplayName("nothing is written after the close frame")
    void nothingAfterTheCloseFrame() {
        writer.write(ByteBuffer.allocate(4), null, new org.glassfish.tyrus.spi.WriterInfo(
                org.glassfish.tyrus.spi.WriterInfo.MessageType.CLOSE, org.glassfish.tyrus.spi.WriterInfo.RemoteEndpointType.SUPER));
        List<Throwable> failures = new ArrayList<>();
        writer.write(ByteBuffer.allocate(4), new CompletionHandler<>() {
            @Override
            public void failed(Throwable throwable) {
                failures.add(throwable);
            }
        });

        assertThat(transport).containsExactly("write");
        assertThat(failures).hasSize(1);
    }

    @Test
    @DisplayName("a refused client that keeps sending past the refused frame is hung up on")
    void hangsUpOnAClientThatKeepsSending() {
        guard.handle(ByteBuffer.wrap(frame(0x82, 5000, 5000)));
        writer.close();
        assertThat(transport).isEmpty();

        guard.handle(ByteBuffer.wrap(new byte[2 * 1024 * 1024]));

        assertThat(transport).containsExactly("tcp close");
    }

    @Test
    @DisplayName("a message sent in fragments goes to the engine once its fragments pass the limit")
    void oversizedFragmentedMessage() {
        guard.handle(ByteBuffer.wrap(concat(frame(0x02, 600, 600), frame(0x89, 0, 0), frame(0x00, 600, 600))));

        assertThat(engineCalls).containsExactly("too large 1200");
        assertThat(forwardedCalls).containsExactly(4 + 600, 2);
    }

    @Test
    @DisplayName("a text message goes to the engine at its first header, never to Tyrus")
    void textGoesToTheEngine() {
        guard.handle(ByteBuffer.wrap(frame(0x81, 20, 20)));

        assertThat(engineCalls).containsExactly("text");
        assertThat(forwarded.size()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "unmasked client frame, 130, false",
            "reserved bits set without a negotiated extension, 194, true",
            "reserved bits set without a negotiated extension, 162, true",
            "unknown opcode 3, 131, true",
            "unknown opcode 11, 139, true",
            "continuation frame without a start, 128, true",
            "fragmented control frame, 9, true"})
    @DisplayName("an RFC 6455 violation goes to the engine as such; nothing after it is handed on")
    void violationsGoToTheEngine(String reason, int firstByte, boolean masked) {
        byte[] bad = frame(firstByte, 5, 5);
        if (!masked) {
            bad[1] &= 0x7F;
            bad = concat(java.util.Arrays.copyOf(bad, 2), java.util.Arrays.copyOfRange(bad, 6, bad.length));
        }
        byte[] good = frame(0x82, 10, 10);

        guard.handle(ByteBuffer.wrap(concat(good, bad, good)));

        assertThat(engineCalls).containsExactly("violation: " + reason);
        assertThat(forwarded.toByteArray()).isEqualTo(unmasked(good));
    }

    @Test
    @DisplayName("a new message inside a fragmented one is a violation")
    void newMessageInsideAFragmentedOne() {
        guard.handle(ByteBuffer.wrap(concat(frame(0x02, 10, 10), frame(0x82, 10, 10))));

        assertThat(engineCalls).containsExactly("violation: new message inside a fragmented message");
    }

    @Test
    @DisplayName("without an engine session the guard closes the connection itself, with the same codes")
    void withoutASessionTheGuardCloses() {
        guard(null).handle(ByteBuffer.wrap(frame(0x82, 5000, 10)));
        guard(null).handle(ByteBuffer.wrap(frame(0xC2, 5, 5)));

        assertThat(closes).extracting(c -> c.getCloseCode().getCode()).containsExactly(1009, 1002);
    }

    @Test
    @DisplayName("Tyrus' buffer holds one fragment of at most 64 KiB and its longest header")
    void tyrusBufferFitsOneFragment() {
        assertThat(MessageSizeGuard.tyrusBufferSize(5 * 1024 * 1024)).isEqualTo(64 * 1024 + 14);
        assertThat(MessageSizeGuard.tyrusBufferSize(1000)).isEqualTo(1000 + 14);
        assertThat(MessageSizeGuard.tyrusBufferSize(10)).isEqualTo(125 + 14);
    }

    /** The payloads of the messages in a stream of unmasked frames, fragments joined; control frames left out. */
    private static List<byte[]> messages(byte[] stream, int largestFrame) {
        List<byte[]> messages = new ArrayList<>();
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        int pos = 0;
        while (pos < stream.length) {
            int lengthCode = stream[pos + 1] & 0x7F;
            assertThat(stream[pos + 1] & 0x80).as("Tyrus gets unmasked frames").isZero();
            int extra = lengthCode == 126 ? 2 : lengthCode == 127 ? 8 : 0;
            long length = lengthCode < 126 ? lengthCode : 0;
            for (int i = 0; i < extra; i++) {
                length = (length << 8) | (stream[pos + 2 + i] & 0xFF);
            }
            assertThat(length).as("no frame Tyrus gets is larger than a fragment").isLessThanOrEqualTo(largestFrame);
            int opcode = stream[pos] & 0x0F;
            int start = pos + 2 + extra;
            if (opcode == 0x2 || opcode == 0x0) {
                message.write(stream, start, (int) length);
                if ((stream[pos] & 0x80) != 0) {
                    messages.add(message.toByteArray());
                    message.reset();
                }
            }
            pos = start + (int) length;
        }
        return messages;
    }

    private static byte[] randomPayload(int length, long seed) {
        byte[] payload = new byte[length];
        new java.util.Random(seed).nextBytes(payload);
        return payload;
    }

    @org.junit.jupiter.api.Nested
    @DisplayName("memory budget")
    class Budget {

        @Test
        @DisplayName("large frames reach Tyrus as fragments of at most the chunk size, the same bytes in the same order, whatever the reads")
        void largeFramesAreFragmented() {
            byte[][] payloads = {randomPayload(LIMIT, 1), randomPayload(250, 2), randomPayload(100, 3), randomPayload(99, 4),
                    randomPayload(0, 5)};
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            for (byte[] payload : payloads) {
                stream.writeBytes(maskedFrame(0x82, payload, new byte[] {1, 2, 3, 4}));
            }
            stream.writeBytes(maskedFrame(0x02, payloads[1], new byte[] {5, 6, 7, 8})); // a client's own fragments
            stream.writeBytes(maskedFrame(0x89, new byte[3], new byte[] {9, 9, 9, 9}));
            byte[] tail = randomPayload(LIMIT - 250, 6);
            stream.writeBytes(maskedFrame(0x80, tail, new byte[] {7, 7, 7, 7}));
            byte[] bytes = stream.toByteArray();
            for (int read : new int[] {bytes.length, 1, 7, 64, 333}) {
                forwarded.reset();
                MessageSizeGuard fresh = guard(session, CHUNK);
                for (int i = 0; i < bytes.length; i += read) {
                    fresh.handle(ByteBuffer.wrap(bytes, i, Math.min(read, bytes.length - i)));
                }

                List<byte[]> messages = messages(forwarded.toByteArray(), CHUNK);
                assertThat(messages.size()).as("reads of %d bytes", read).isEqualTo(6);
                for (int i = 0; i < payloads.length; i++) {
                    assertThat(messages.get(i)).isEqualTo(payloads[i]);
                }
                assertThat(messages.get(5)).isEqualTo(concat(payloads[1], tail));
                assertThat(fresh.reservedBytes()).isZero();
                assertThat(budget.used()).isZero();
            }
            assertThat(engineCalls).isEmpty();
        }

        @Test
        @DisplayName("a frame's declared size is reserved before Tyrus gets any of it, and handed over to the engine's copy with the last bytes")
        void reservedWhileTyrusBuffers() {
            byte[] frame = frame(0x82, 700, 700);
            guard.handle(ByteBuffer.wrap(frame, 0, 300));
            assertThat(budget.used()).isEqualTo(700);
            guard.handle(ByteBuffer.wrap(frame, 300, frame.length - 300));

            assertThat(heldWhenForwarded).containsExactly(700L, 0L);
            assertThat(budget.used()).isZero();
        }

        @Test
        @DisplayName("a message sent in fragments reserves the frame limit from its first fragment to its last")
        void fragmentedMessageReservesTheLimit() {
            guard.handle(ByteBuffer.wrap(concat(frame(0x02, 300, 300), frame(0x89, 0, 0), frame(0x00, 300, 300))));
            assertThat(budget.used()).isEqualTo(LIMIT);

            guard.handle(ByteBuffer.wrap(frame(0x80, 10, 10)));

            assertThat(heldWhenForwarded).containsExactly((long) LIMIT, (long) LIMIT, (long) LIMIT, 0L);
            assertThat(budget.used()).isZero();
        }

        @Test
        @DisplayName("a message the budget cannot hold is discarded unread and answered as dropped; the stream goes on")
        void messagePastTheBudgetIsSkipped() {
            assertThat(budget.tryReserve(budget.limit() - 500)).isTrue(); // frames the engine holds
            byte[] small = frame(0x82, 400, 400);
            byte[] large = frame(0x82, 800, 800);

            guard.handle(ByteBuffer.wrap(concat(small, large, small)));

            assertThat(engineCalls).containsExactly("skipped 800");
            assertThat(forwarded.toByteArray()).isEqualTo(unmasked(concat(small, small)));
            assertThat(budget.used()).isEqualTo(budget.limit() - 500);
        }

        @Test
        @DisplayName("a skipped message sent in fragments is answered at its last fragment; pings between its fragments still reach Tyrus")
        void skippedFragmentedMessage() {
            assertThat(budget.tryReserve(budget.limit() - LIMIT + 1)).isTrue();
            byte[] ping = frame(0x89, 3, 3);

            guard.handle(ByteBuffer.wrap(concat(frame(0x02, 300, 300), ping, frame(0x00, 300, 300))));
            assertThat(engineCalls).isEmpty();
            guard.handle(ByteBuffer.wrap(concat(frame(0x80, 200, 200), frame(0x82, 5, 5))));

            assertThat(engineCalls).containsExactly("skipped 800");
            assertThat(forwarded.toByteArray()).isEqualTo(unmasked(concat(ping, frame(0x82, 5, 5))));
            assertThat(budget.used()).isEqualTo(budget.limit() - LIMIT + 1);
        }

        @Test
        @DisplayName("a skipped message that passes the frame limit is refused as too large")
        void skippedMessagePastTheLimit() {
            assertThat(budget.tryReserve(budget.limit())).isTrue();

            guard.handle(ByteBuffer.wrap(concat(frame(0x02, 600, 600), frame(0x00, 600, 600))));

            assertThat(engineCalls).containsExactly("too large 1200");
        }

        @Test
        @DisplayName("the reservation goes back when a message is refused, breaks the protocol, or its connection closes")
        void releasedOnEveryEnd() {
            guard.handle(ByteBuffer.wrap(concat(frame(0x02, 600, 600), frame(0x00, 600, 10))));
            assertThat(engineCalls).containsExactly("too large 1200");
            assertThat(budget.used()).isZero();

            MessageSizeGuard violated = guard(session);
            violated.handle(ByteBuffer.wrap(concat(frame(0x02, 300, 300), frame(0x82, 10, 10))));
            assertThat(engineCalls).contains("violation: new message inside a fragmented message");
            assertThat(budget.used()).isZero();

            MessageSizeGuard text = guard(session);
            text.handle(ByteBuffer.wrap(concat(frame(0x02, 300, 300), frame(0x81, 10, 10))));
            assertThat(budget.used()).isZero();

            MessageSizeGuard cut = guard(session);
            cut.handle(ByteBuffer.wrap(frame(0x82, 900, 450), 0, 400));
            assertThat(budget.used()).isEqualTo(900);
            cut.connectionClosed();
            assertThat(budget.used()).isZero();
            cut.handle(ByteBuffer.wrap(frame(0x82, 900, 450), 400, 56));
            cut.handle(ByteBuffer.wrap(frame(0x82, 500, 500)));
            assertThat(budget.used()).as("nothing is reserved after the close").isZero();
        }
    }
}
