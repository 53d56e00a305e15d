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

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    @Test
    @DisplayName("frames within the limit pass unchanged, whatever the chunking")
    void passesFramesThroughUnchanged() {
        byte[] stream = concat(frame(0x82, 500, 500), frame(0x82, LIMIT, LIMIT), frame(0x89, 3, 3), frame(0x82, 70, 70));
        for (int i = 0; i < stream.length; i += 7) {
            guard.handle(ByteBuffer.wrap(stream, i, Math.min(7, stream.length - i)));
        }

        assertThat(forwarded.toByteArray()).isEqualTo(stream);
        assertThat(closes).isEmpty();
    }

    @Test
    @DisplayName("a frame declaring more than the limit is refused from its header; earlier frames still pass")
    void refusesOversizedFrameFromItsHeader() {
        byte[] good = frame(0x82, 10, 10);
        byte[] huge = frame(0x82, 64L * 1024 * 1024, 100);

        guard.handle(ByteBuffer.wrap(concat(good, huge)));
        guard.handle(ByteBuffer.wrap(new byte[5000]));

        assertThat(forwarded.toByteArray()).isEqualTo(good);
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
