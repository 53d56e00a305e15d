package io.streaminfer.tyrus;

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
        return new MessageSizeGuard(data -> {
            forwardedCalls.add(data.remaining());
            forwarded.write(data.array(), data.arrayOffset() + data.position(), data.remaining());
        }, connection, writer, engineSession, LIMIT);
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
    @DisplayName("Tyrus' buffer holds one frame of the limit and its longest header")
    void tyrusBufferFitsOneFrame() {
        assertThat(MessageSizeGuard.tyrusBufferSize(5 * 1024 * 1024)).isEqualTo(5 * 1024 * 1024 + 14);
        assertThat(MessageSizeGuard.tyrusBufferSize(10)).isEqualTo(125 + 14);
    }
}
