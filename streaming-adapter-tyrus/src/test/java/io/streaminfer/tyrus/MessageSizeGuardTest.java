package io.streaminfer.tyrus;

import io.streaminfer.websocket.JsonMessageCodec;
import jakarta.websocket.CloseReason;
import org.glassfish.tyrus.spi.CompletionHandler;
import org.glassfish.tyrus.spi.Connection;
import org.glassfish.tyrus.spi.ReadHandler;
import org.glassfish.tyrus.spi.Writer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MessageSizeGuardTest {

    private static final int LIMIT = 1000;

    private final ByteArrayOutputStream forwarded = new ByteArrayOutputStream();
    private final List<String> written = new ArrayList<>();
    private final List<CloseReason> closes = new ArrayList<>();
    private final Connection connection = new Connection() {
        @Override
        public ReadHandler getReadHandler() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Writer getWriter() {
            return new Writer() {
                @Override
                public void write(ByteBuffer buffer, CompletionHandler<ByteBuffer> handler) {
                    byte[] frame = new byte[buffer.remaining()];
                    buffer.get(frame);
                    int offset = (frame[1] & 0x7F) == 126 ? 4 : 2;
                    if (frame[0] == (byte) 0x88) {
                        written.add("close " + (((frame[2] & 0xFF) << 8) | (frame[3] & 0xFF)));
                    } else {
                        assertThat(frame[0]).isEqualTo((byte) 0x81);
                        written.add(new String(frame, offset, frame.length - offset, StandardCharsets.UTF_8));
                    }
                }

                @Override
                public void close() {
                }
            };
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
    private final MessageSizeGuard guard = new MessageSizeGuard(
            data -> forwarded.write(data.array(), data.arrayOffset() + data.position(), data.remaining()),
            connection, LIMIT, 100, new JsonMessageCodec());

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
    @DisplayName("frames within the limit pass, unmasked, whatever the chunking")
    void passesFramesThroughUnmasked() {
        byte[] stream = concat(frame(0x82, 500, 500), frame(0x82, LIMIT, LIMIT), frame(0x89, 3, 3), frame(0x82, 70, 70));
        for (int i = 0; i < stream.length; i += 7) {
            guard.handle(ByteBuffer.wrap(stream, i, Math.min(7, stream.length - i)));
        }

        assertThat(forwarded.toByteArray()).isEqualTo(unmasked(stream));
        assertThat(closes).isEmpty();
    }

    @Test
    @DisplayName("real mask keys are removed exactly, for every payload length and every way the bytes are split into reads")
    void unmasksWithRealKeys() {
        java.util.Random random = new java.util.Random(7);
        for (int chunk = 1; chunk <= 23; chunk++) {
            forwarded.reset();
            MessageSizeGuard fresh = new MessageSizeGuard(
                    data -> forwarded.write(data.array(), data.arrayOffset() + data.position(), data.remaining()),
                    connection, LIMIT, 100, new JsonMessageCodec());
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
    @DisplayName("a frame declaring more than the limit is refused from its header; earlier frames still pass")
    void refusesOversizedFrameFromItsHeader() {
        byte[] good = frame(0x82, 10, 10);
        byte[] huge = frame(0x82, 64L * 1024 * 1024, 100);

        guard.handle(ByteBuffer.wrap(concat(good, huge)));
        guard.handle(ByteBuffer.wrap(new byte[5000]));

        assertThat(forwarded.toByteArray()).isEqualTo(unmasked(good));
        assertThat(written).containsExactly("{\"error\":\"frame_too_large\",\"detail\":\"frame is 67108864 bytes;"
                + " the limit is 1000 bytes\",\"frame_index\":2}", "close 1009");
        assertThat(closes).isEmpty(); // Tyrus closes when the client's close arrives
    }

    @Test
    @DisplayName("after a refusal only the client's close frame is handed on, so the close handshake completes")
    void handsOnTheClientsCloseAfterARefusal() {
        byte[] huge = frame(0x82, 5000, 5000);
        byte[] more = frame(0x82, 10, 10);
        byte[] close = frame(0x88, 2, 2);

        byte[] stream = concat(huge, more, close);
        for (int i = 0; i < stream.length; i += 333) {
            guard.handle(ByteBuffer.wrap(stream, i, Math.min(333, stream.length - i)));
        }

        assertThat(forwarded.toByteArray()).isEqualTo(close);
        assertThat(closes).isEmpty();
    }

    @Test
    @DisplayName("a refused client that keeps sending past the refused frame is hung up on")
    void hangsUpOnAClientThatKeepsSending() {
        guard.handle(ByteBuffer.wrap(frame(0x82, 5000, 5000)));
        assertThat(closes).isEmpty();

        guard.handle(ByteBuffer.wrap(new byte[2 * 1024 * 1024]));

        assertThat(closes).extracting(c -> c.getCloseCode().getCode()).containsExactly(1009);
    }

    @Test
    @DisplayName("a message sent in fragments is refused once its fragments pass the limit")
    void refusesOversizedFragmentedMessage() {
        guard.handle(ByteBuffer.wrap(concat(frame(0x02, 600, 600), frame(0x89, 0, 0), frame(0x00, 600, 600))));

        assertThat(written).hasSize(2).last().isEqualTo("close 1009");
        assertThat(written.get(0)).contains("more than 1000 bytes", "\"frame_index\":1");
    }

    @Test
    void refusesLongTextAsInvalidMessage() {
        guard.handle(ByteBuffer.wrap(frame(0x81, 101, 101)));

        assertThat(written).hasSize(2).last().isEqualTo("close 1003");
        assertThat(written.get(0)).startsWith("{\"error\":\"invalid_message\"");
    }
}
