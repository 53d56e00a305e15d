package io.streaminfer.tyrus;

import io.streaminfer.core.ErrorCode;
import io.streaminfer.core.ServerMessage;
import io.streaminfer.websocket.JsonMessageCodec;
import jakarta.websocket.CloseReason;
import org.glassfish.tyrus.spi.CompletionHandler;
import org.glassfish.tyrus.spi.Connection;
import org.glassfish.tyrus.spi.ReadHandler;
import org.glassfish.tyrus.spi.Writer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Sits in front of Tyrus' read handler and watches the WebSocket frame headers of one
 * connection. A message whose declared size passes the limit is refused as soon as its header
 * arrives, before its payload is buffered: a binary message gets {@code frame_too_large} and
 * close 1009, a text message {@code invalid_message} and close 1003. Without it Tyrus buffers
 * a frame up to its incoming buffer and then closes with 1011 "Buffer overflow." instead.
 *
 * <p>Frames are passed on unmasked (Tyrus accepts unmasked frames and would otherwise unmask
 * them one byte per call); a refused message and the data frames after it are dropped without
 * being buffered, and only the client's close frame is still handed on.
 * Called by one Grizzly thread at a time per connection, as Tyrus' own read handler is.
 */
final class MessageSizeGuard implements ReadHandler {

    private static final int OPCODE_CONTINUATION = 0x0;
    private static final int OPCODE_TEXT = 0x1;
    private static final int OPCODE_BINARY = 0x2;
    private static final int OPCODE_CLOSE = 0x8;
    private static final int MAX_HEADER = 14;
    private static final int MAX_CONTROL_PAYLOAD = 125;
    /** What a refused client may still send after the refused frame before we hang up on it. */
    private static final long DISCARD_SLACK = 1024 * 1024;

    private final ReadHandler delegate;
    private final Connection connection;
    private final long limit;
    private final long textLimit;
    private final JsonMessageCodec codec;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final byte[] header = new byte[MAX_HEADER];
    private boolean masked;
    private long maskWord;
    private int maskPhase;
    private int headerLength;
    private long payloadLeft;
    private long messageBytes;
    private boolean messageIsText;
    private boolean messageComplete;
    private long binaryMessages;
    private boolean refused;
    private boolean closedByUs;
    private long discardBudget;
    private CloseReason closeReason;
    private ByteBuffer clientClose;

    MessageSizeGuard(ReadHandler delegate, Connection connection, long limit, long textLimit, JsonMessageCodec codec) {
        this.delegate = delegate;
        this.connection = connection;
        this.limit = limit;
        this.textLimit = textLimit;
        this.codec = codec;
    }

    @Override
    public void handle(ByteBuffer data) {
        if (refused) {
            discard(data, data.position());
            return;
        }
        int pos = data.position();
        int end = data.limit();
        // what Tyrus gets: the same frames, unmasked here (a word at a time) because Tyrus unmasks
        // one byte per call, which was most of its CPU per frame; a header split across reads is
        // held back until whole, so it can be rewritten without its masking key
        ByteBuffer out = ByteBuffer.allocate(end - pos + MAX_HEADER);
        while (pos < end) {
            if (payloadLeft > 0) {
                int step = (int) Math.min(payloadLeft, end - pos);
                copyUnmasked(data, pos, step, out);
                payloadLeft -= step;
                pos += step;
                continue;
            }
            header[headerLength++] = data.get(pos++);
            int needed = headerSize();
            if (needed < 0 || headerLength < needed) {
                continue;
            }
            long payload = payloadLength();
            headerLength = 0;
            if (!admit(payload)) {
                handOn(out);
                refuse();
                payloadLeft = payload; // the refused frame's payload is skipped, never buffered
                discardBudget = payload > Long.MAX_VALUE - DISCARD_SLACK ? Long.MAX_VALUE : payload + DISCARD_SLACK;
                discard(data, pos);
                return;
            }
            masked = (header[1] & 0x80) != 0;
            int keyAt = needed - 4;
            out.put(header[0]).put((byte) (header[1] & 0x7F)).put(header, 2, (masked ? keyAt : needed) - 2);
            if (masked) {
                int key = ((header[keyAt] & 0xFF)) | ((header[keyAt + 1] & 0xFF) << 8)
                        | ((header[keyAt + 2] & 0xFF) << 16) | ((header[keyAt + 3] & 0xFF) << 24);
                maskWord = (key & 0xFFFFFFFFL) | ((long) key << 32);
                maskPhase = 0;
            }
            payloadLeft = payload;
        }
        handOn(out);
    }

    /** Copies payload bytes to {@code out}, removing the frame's mask. */
    private void copyUnmasked(ByteBuffer data, int from, int length, ByteBuffer out) {
        int at = out.arrayOffset() + out.position();
        ByteBuffer part = data.duplicate();
        part.position(from).limit(from + length);
        out.put(part);
        if (!masked) {
            return;
        }
        byte[] bytes = out.array();
        int i = 0;
        for (; i < length && maskPhase != 0; i++) {
            bytes[at + i] ^= maskByte(maskPhase);
            maskPhase = (maskPhase + 1) & 3;
        }
        for (; i + Long.BYTES <= length; i += Long.BYTES) {
            LONGS.set(bytes, at + i, (long) LONGS.get(bytes, at + i) ^ maskWord);
        }
        for (; i < length; i++) {
            bytes[at + i] ^= maskByte(maskPhase);
            maskPhase = (maskPhase + 1) & 3;
        }
    }

    private byte maskByte(int phase) {
        return (byte) (maskWord >>> (8 * phase));
    }

    private void handOn(ByteBuffer out) {
        out.flip();
        if (out.hasRemaining()) {
            delegate.handle(out);
        }
    }

    /**
     * After a refusal: Tyrus has sent its close frame and waits for the client's. Everything is
     * dropped except that close frame, which is handed to Tyrus so the connection ends with a
     * clean close handshake instead of a reset that could make the client lose our answer.
     */
    private void discard(ByteBuffer data, int from) {
        if (closedByUs) {
            return;
        }
        int pos = from;
        int end = data.limit();
        discardBudget -= end - from;
        if (discardBudget < 0) {
            // the client ignores our close and keeps sending: stop listening to it
            closedByUs = true;
            connection.close(closeReason);
            return;
        }
        while (pos < end) {
            if (payloadLeft > 0) {
                int step = (int) Math.min(payloadLeft, end - pos);
                if (clientClose != null) {
                    ByteBuffer part = data.duplicate();
                    part.position(pos).limit(pos + step);
                    clientClose.put(part);
                }
                payloadLeft -= step;
                pos += step;
                if (payloadLeft == 0) {
                    forwardClientClose();
                }
                continue;
            }
            header[headerLength++] = data.get(pos++);
            int needed = headerSize();
            if (needed < 0 || headerLength < needed) {
                continue;
            }
            long payload = payloadLength();
            if ((header[0] & 0x0F) == OPCODE_CLOSE && payload <= MAX_CONTROL_PAYLOAD) {
                clientClose = ByteBuffer.allocate(headerLength + (int) payload);
                clientClose.put(header, 0, headerLength);
            }
            headerLength = 0;
            payloadLeft = payload;
            if (payload == 0) {
                forwardClientClose();
            }
        }
    }

    private void forwardClientClose() {
        if (clientClose != null) {
            clientClose.flip();
            ByteBuffer frame = clientClose;
            clientClose = null;
            delegate.handle(frame);
        }
    }

    /** Bytes of the header so far: -1 while the length fields are not known yet. */
    private int headerSize() {
        if (headerLength < 2) {
            return -1;
        }
        int lengthCode = header[1] & 0x7F;
        int size = 2 + (lengthCode == 126 ? 2 : lengthCode == 127 ? 8 : 0);
        if ((header[1] & 0x80) != 0) {
            size += 4; // masking key
        }
        return size;
    }

    private long payloadLength() {
        int lengthCode = header[1] & 0x7F;
        if (lengthCode < 126) {
            return lengthCode;
        }
        if (lengthCode == 126) {
            return ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
        }
        long length = 0;
        for (int i = 2; i < 10; i++) {
            length = (length << 8) | (header[i] & 0xFF);
        }
        return length < 0 ? Long.MAX_VALUE : length;
    }

    /** Tracks the size of the current data message; false when it passes the limit. */
    private boolean admit(long payload) {
        int opcode = header[0] & 0x0F;
        if (opcode == OPCODE_BINARY || opcode == OPCODE_TEXT) {
            messageBytes = 0;
            messageIsText = opcode == OPCODE_TEXT;
            if (opcode == OPCODE_BINARY) {
                binaryMessages++;
            }
        } else if (opcode != OPCODE_CONTINUATION) {
            return true; // control frames are at most 125 bytes and belong to no message
        }
        messageComplete = (header[0] & 0x80) != 0;
        messageBytes += payload;
        if (messageBytes < 0) {
            messageBytes = Long.MAX_VALUE;
        }
        return messageBytes <= (messageIsText ? textLimit : limit);
    }

    private void refuse() {
        refused = true;
        ServerMessage.StreamError error;
        CloseReason reason;
        if (messageIsText) {
            error = new ServerMessage.StreamError(ErrorCode.INVALID_MESSAGE,
                    "text messages are not part of the protocol: send each frame as one binary message holding a JPEG");
            reason = new CloseReason(CloseReason.CloseCodes.CANNOT_ACCEPT, ErrorCode.INVALID_MESSAGE.wireName());
        } else {
            String size = messageComplete && messageBytes != Long.MAX_VALUE ? "frame is " + messageBytes + " bytes"
                    : "frame is more than " + limit + " bytes";
            error = new ServerMessage.StreamError(ErrorCode.FRAME_TOO_LARGE,
                    size + "; the limit is " + limit + " bytes", binaryMessages);
            reason = new CloseReason(CloseReason.CloseCodes.TOO_BIG, ErrorCode.FRAME_TOO_LARGE.wireName());
        }
        closeReason = reason;
        Writer writer = connection.getWriter();
        writeFrame(writer, 0x81, codec.encode(error).getBytes(StandardCharsets.UTF_8));
        writeFrame(writer, 0x88, closePayload(reason));
    }

    /**
     * Tyrus, when it initiates a close, shuts the TCP connection right after its close frame;
     * with the client still sending the refused frame that becomes a reset, and the client may
     * lose our answer. So we send the close frame ourselves and let Tyrus complete the
     * handshake when the client's close arrives.
     */
    private static byte[] closePayload(CloseReason reason) {
        byte[] text = reason.getReasonPhrase().getBytes(StandardCharsets.UTF_8);
        ByteBuffer payload = ByteBuffer.allocate(2 + text.length);
        payload.putShort((short) reason.getCloseCode().getCode()).put(text);
        return payload.array();
    }

    /** A server-to-client frame with FIN set: never masked (RFC 6455 section 5.1). */
    private static void writeFrame(Writer writer, int firstByte, byte[] payload) {
        int extra = payload.length < 126 ? 0 : payload.length <= 0xFFFF ? 2 : 8;
        ByteBuffer frame = ByteBuffer.allocate(2 + extra + payload.length);
        frame.put((byte) firstByte);
        if (extra == 0) {
            frame.put((byte) payload.length);
        } else if (extra == 2) {
            frame.put((byte) 126).putShort((short) payload.length);
        } else {
            frame.put((byte) 127).putLong(payload.length);
        }
        frame.put(payload).flip();
        writer.write(frame, new CompletionHandler<>() {
        });
    }
}
