package io.streaminfer.tyrus;

import io.streaminfer.core.MemoryBudget;
import io.streaminfer.core.StreamSession;
import io.streaminfer.protocol.ReadReservation;
import jakarta.websocket.CloseReason;
import org.glassfish.tyrus.spi.Connection;
import org.glassfish.tyrus.spi.ReadHandler;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Sits in front of Tyrus' read handler and reads the WebSocket frame headers of one connection
 * before Tyrus does. Tyrus gets only frames it may take, one frame per call, with their mask
 * removed eight bytes at a time (Tyrus unmasks one byte per call, which was most of its CPU per
 * frame). Everything else goes to the engine through the connection's {@link StreamSession}, so
 * the engine answers what it holds and closes in order:
 * <ul>
 *   <li>a binary message whose declared size passes the limit (one frame, or fragments adding
 *       up) → {@link StreamSession#onFrameTooLarge}; its payload is discarded as it arrives,
 *       never buffered;</li>
 *   <li>a text message → {@link StreamSession#onTextMessage} at its first header (the protocol
 *       has none), so Tyrus never buffers or decodes it;</li>
 *   <li>an RFC 6455 violation (an unmasked frame, reserved bits with no extension negotiated,
 *       an unknown opcode, a continuation without a start, a new message inside a fragmented
 *       one, a fragmented or long control frame) → {@link StreamSession#onProtocolViolation}
 *       (close 1002).</li>
 * </ul>
 * After any of these nothing the client sends is handed on. The {@link LingeringCloseWriter}
 * holds the TCP close until the client's close frame arrives (or it has sent more than the
 * refused frame plus {@link #DISCARD_SLACK}), so a client still sending gets our answer instead
 * of a reset.
 *
 * <p>Memory: a binary message reserves its bytes from the server's {@link MemoryBudget} at its
 * first header, before Tyrus buffers any of it: a single frame its declared size; a message sent
 * in fragments the frame limit, the most it may grow to, since Tyrus cannot give back fragments
 * it was handed. When the budget cannot hold it, the message is discarded unread as it arrives
 * (control frames between its fragments still pass) and the engine answers it as dropped
 * ({@link StreamSession#onFrameSkipped}, at its final header). The reservation stands for Tyrus'
 * copy of the message (the fragments it collects); the engine reserves its own copy, the array it
 * is handed, when it takes it. It is handed over to that copy: released right before Tyrus gets the
 * message's last bytes (Tyrus joins the fragments and calls the endpoint inside that call), and
 * released when the message is refused or breaks the protocol, and when the connection closes
 * ({@link #connectionClosed}).
 * Tyrus is given large frames as fragments of at most {@link #CHUNK} bytes: its read buffer keeps
 * the largest frame it ever held for the connection's life, so whole frames of several MiB would
 * cost that much per connection, unaccounted, long after the message is gone (64 connections
 * that each sent one 4.9 MiB frame held 314 MiB).
 *
 * <p>A read-only connection (a source watcher, {@link #readOnly}) may send nothing: every data
 * frame with a payload is refused from its header through the watcher's own refusal
 * ({@code invalid_message}, 1003). Without a session or a refusal (the endpoint did not open one)
 * the guard closes the connection itself with the same code. Called by one Grizzly thread at a time per connection, as Tyrus' own read
 * handler is.
 */
final class MessageSizeGuard implements ReadHandler {

    private static final int OPCODE_CONTINUATION = 0x0;
    private static final int OPCODE_TEXT = 0x1;
    private static final int OPCODE_BINARY = 0x2;
    private static final int OPCODE_CLOSE = 0x8;
    private static final int OPCODE_PING = 0x9;
    private static final int OPCODE_PONG = 0xA;
    private static final int MAX_HEADER = 14;
    private static final int MAX_CONTROL_PAYLOAD = 125;
    /** What a refused client may still send after the refused frame before we stop waiting for its close. */
    static final long DISCARD_SLACK = 1024 * 1024;
    /** The largest frame Tyrus is handed: larger ones reach it as fragments of this size. */
    static final int CHUNK = 64 * 1024;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** What the guard does with the bytes it reads. */
    private enum State {
        /** Frames are checked and handed on. */
        FORWARDING,
        /** A message was refused or the client broke the protocol: bytes are dropped until its close frame. */
        DISCARDING,
        /** The client's close frame came or it sent too much after the refusal: nothing is read any more. */
        DONE
    }

    private final ReadHandler delegate;
    private final Connection connection;
    private final LingeringCloseWriter writer;
    private final StreamSession session;
    private final Runnable refuseInput;
    private final long limit;
    private final ReadReservation reservation;
    private final int chunk;

    private final byte[] header = new byte[MAX_HEADER];
    private State state = State.FORWARDING;
    private int headerLength;
    private long payloadLeft;
    private boolean masked;
    private long maskWord;
    private int maskPhase;
    private boolean inFragmentedMessage;
    private long messageBytes;
    private long discardBudget;
    private boolean inClientClose;
    /** The current binary message is discarded unread: the memory budget could not hold it. */
    private boolean skipping;
    /** The frame whose payload is being read: a data frame (binary or continuation), its FIN bit, its opcode. */
    private boolean dataFrame;
    private boolean frameFin;
    private int frameOpcode;
    /** Whether Tyrus has been given the first fragment of the current frame. */
    private boolean frameStarted;
    /** Payload bytes still to come in the fragment Tyrus is being given. */
    private long chunkLeft;

    /**
     * @param delegate   Tyrus' read handler
     * @param connection Tyrus' connection, closed directly only when there is no session
     * @param writer     the connection's writer, whose TCP close is held while discarding
     * @param session    the engine's session of this connection, or {@literal null}
     * @param limit      the largest binary message, in bytes (the engine's frame limit)
     * @param budget     the server's memory budget, which messages are read under
     */
    MessageSizeGuard(ReadHandler delegate, Connection connection, LingeringCloseWriter writer, StreamSession session,
                     long limit, MemoryBudget budget) {
        this(delegate, connection, writer, session, limit, budget, CHUNK);
    }

    /** As above, with the largest frame Tyrus is handed (tests use small ones). */
    MessageSizeGuard(ReadHandler delegate, Connection connection, LingeringCloseWriter writer, StreamSession session,
                     long limit, MemoryBudget budget, int chunk) {
        this(delegate, connection, writer, session, null, limit, budget, chunk);
    }

    private MessageSizeGuard(ReadHandler delegate, Connection connection, LingeringCloseWriter writer, StreamSession session,
                             Runnable refuseInput, long limit, MemoryBudget budget, int chunk) {
        this.delegate = delegate;
        this.connection = connection;
        this.writer = writer;
        this.session = session;
        this.refuseInput = refuseInput;
        this.limit = limit;
        this.reservation = new ReadReservation(budget);
        this.chunk = chunk;
    }

    /**
     * A guard for a connection that may send nothing (a source watcher): binary frames with a
     * payload and text frames are refused from their headers by {@code refuseInput}.
     *
     * @param delegate    Tyrus' read handler
     * @param connection  Tyrus' connection
     * @param writer      the connection's writer, whose TCP close is held while discarding
     * @param refuseInput sends the watcher its error and closes with 1003
     * @param budget      the server's memory budget
     * @return the guard, never {@literal null}
     */
    static MessageSizeGuard readOnly(ReadHandler delegate, Connection connection, LingeringCloseWriter writer,
                                     Runnable refuseInput, MemoryBudget budget) {
        return new MessageSizeGuard(delegate, connection, writer, null, refuseInput, 0, budget, CHUNK);
    }

    /**
     * @param limit the frame limit
     * @return the incoming buffer Tyrus needs: one frame of at most {@link #CHUNK} bytes and its
     *         header, since the guard hands on one frame per call and fragments larger ones
     */
    static int tyrusBufferSize(long limit) {
        return (int) (Math.max(Math.min(limit, CHUNK), MAX_CONTROL_PAYLOAD) + MAX_HEADER);
    }

    /** The connection ended, however: what the guard reserved goes back to the budget. */
    void connectionClosed() {
        reservation.close();
    }

    /** @return the bytes this connection holds in the memory budget for its read path */
    long reservedBytes() {
        return reservation.held();
    }

    @Override
    public void handle(ByteBuffer data) {
        switch (state) {
            case FORWARDING -> forward(data);
            case DISCARDING -> discard(data, data.position());
            case DONE -> data.position(data.limit());
        }
    }

    private void forward(ByteBuffer data) {
        int pos = data.position();
        int end = data.limit();
        // what Tyrus gets: the same frames, unmasked, one frame per call, large ones as fragments of
        // at most `chunk` bytes, so Tyrus' buffer never holds more than one fragment; a header split
        // across reads is held back until whole, so it can be rewritten without its masking key
        int length = end - pos;
        ByteBuffer out = ByteBuffer.allocate(length + MAX_HEADER * (length / chunk + 2));
        while (pos < end) {
            if (payloadLeft > 0) {
                if (dataFrame && skipping) {
                    int step = (int) Math.min(payloadLeft, end - pos);
                    payloadLeft -= step;
                    pos += step;
                    if (payloadLeft == 0) {
                        frameEnded();
                    }
                    continue;
                }
                if (chunkLeft == 0) {
                    startChunk(out);
                }
                int step = (int) Math.min(chunkLeft, end - pos);
                copyUnmasked(data, pos, step, out);
                payloadLeft -= step;
                chunkLeft -= step;
                pos += step;
                if (chunkLeft == 0) {
                    if (payloadLeft == 0) {
                        frameEnded();
                    }
                    out = handOn(out);
                }
                continue;
            }
            header[headerLength++] = data.get(pos++);
            int needed = headerSize();
            if (needed < 0 || headerLength < needed) {
                continue;
            }
            long payload = payloadLength();
            headerLength = 0;
            String violation = violation(payload);
            if (violation != null) {
                handOn(out);
                protocolViolation(violation, payload);
                discard(data, pos);
                return;
            }
            int opcode = header[0] & 0x0F;
            boolean fin = (header[0] & 0x80) != 0;
            boolean binary = opcode == OPCODE_BINARY || opcode == OPCODE_CONTINUATION;
            if (opcode == OPCODE_TEXT || binary && !admit(opcode, payload)) {
                handOn(out);
                refuse(opcode == OPCODE_TEXT, payload);
                discard(data, pos);
                return;
            }
            if (opcode == OPCODE_BINARY) {
                // a message starts: its bytes are reserved before Tyrus buffers any of them
                skipping = !reservation.tryReserve(fin ? payload : limit);
            }
            dataFrame = binary;
            frameFin = fin;
            frameOpcode = opcode;
            frameStarted = false;
            masked = true;
            int keyAt = needed - 4;
            int key = ((header[keyAt] & 0xFF)) | ((header[keyAt + 1] & 0xFF) << 8)
                    | ((header[keyAt + 2] & 0xFF) << 16) | ((header[keyAt + 3] & 0xFF) << 24);
            maskWord = (key & 0xFFFFFFFFL) | ((long) key << 32);
            maskPhase = 0;
            payloadLeft = payload;
            chunkLeft = 0;
            if (binary && skipping) {
                if (fin && session != null) {
                    session.onFrameSkipped(messageBytes); // answered as dropped; its bytes are never read
                }
                if (payload == 0) {
                    frameEnded();
                }
                continue;
            }
            startChunk(out);
            if (payload == 0) {
                frameEnded();
                out = handOn(out);
            }
        }
        handOn(out);
    }

    /** Writes the header of the next fragment Tyrus gets of the current frame: at most {@code chunk} bytes of it. */
    private void startChunk(ByteBuffer out) {
        long length = dataFrame ? Math.min(chunk, payloadLeft) : payloadLeft;
        boolean last = length == payloadLeft;
        int opcode = frameStarted ? OPCODE_CONTINUATION : frameOpcode;
        out.put((byte) ((frameFin && last ? 0x80 : 0) | opcode));
        if (length < 126) {
            out.put((byte) length);
        } else if (length <= 0xFFFF) {
            out.put((byte) 126).putShort((short) length);
        } else {
            out.put((byte) 127).putLong(length);
        }
        frameStarted = true;
        chunkLeft = length;
    }

    /**
     * The current frame's payload is all read, about to be handed to Tyrus. At the end of a message
     * its reservation goes back right before Tyrus gets the last bytes: in that call Tyrus joins
     * the fragments into the array the endpoint hands the engine, which reserves that copy itself.
     * Holding both reservations at that instant would double-count one message, and with the
     * budget full of messages being read the engine could take no frame at all (a 64-session flood
     * got 4 results in 20 s that way); the fragments left behind are garbage by then.
     */
    private void frameEnded() {
        if (dataFrame && frameFin) {
            if (!skipping) {
                reservation.releaseAll();
            }
            skipping = false;
        }
    }

    /** @return why this complete header breaks RFC 6455, or {@literal null} when it does not */
    private String violation(long payload) {
        int opcode = header[0] & 0x0F;
        boolean fin = (header[0] & 0x80) != 0;
        if ((header[1] & 0x80) == 0) {
            return "unmasked client frame";
        }
        if ((header[0] & 0x70) != 0) {
            return "reserved bits set without a negotiated extension";
        }
        if (opcode == OPCODE_CLOSE || opcode == OPCODE_PING || opcode == OPCODE_PONG) {
            return !fin ? "fragmented control frame" : payload > MAX_CONTROL_PAYLOAD ? "control frame over 125 bytes" : null;
        }
        if (opcode == OPCODE_CONTINUATION) {
            return inFragmentedMessage ? null : "continuation frame without a start";
        }
        if (opcode == OPCODE_TEXT || opcode == OPCODE_BINARY) {
            return inFragmentedMessage ? "new message inside a fragmented message" : null;
        }
        return "unknown opcode " + opcode;
    }

    /** Tracks the size of the current binary message; false when it passes the limit. */
    private boolean admit(int opcode, long payload) {
        messageBytes = opcode == OPCODE_BINARY ? payload : messageBytes + payload;
        if (messageBytes < 0) {
            messageBytes = Long.MAX_VALUE;
        }
        inFragmentedMessage = (header[0] & 0x80) == 0;
        return messageBytes <= limit;
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

    /** Hands what {@code out} holds to Tyrus; returns the rest of the buffer for what follows. */
    private ByteBuffer handOn(ByteBuffer out) {
        ByteBuffer ready = out.duplicate().flip();
        if (ready.hasRemaining()) {
            delegate.handle(ready);
        }
        return out.slice();
    }

    private void refuse(boolean text, long payload) {
        reservation.releaseAll(); // what Tyrus holds of the message goes with the session, which now ends
        enterDiscarding(payload);
        if (refuseInput != null) {
            refuseInput.run();
        } else if (session == null) {
            connection.close(text ? new CloseReason(CloseReason.CloseCodes.CANNOT_ACCEPT, "invalid_message")
                    : new CloseReason(CloseReason.CloseCodes.TOO_BIG, "frame_too_large"));
        } else if (text) {
            session.onTextMessage(""); // its content does not matter: text is not part of the protocol
        } else {
            session.onFrameTooLarge(messageBytes);
        }
    }

    private void protocolViolation(String reason, long payload) {
        reservation.releaseAll();
        enterDiscarding(payload);
        if (session == null) {
            connection.close(new CloseReason(CloseReason.CloseCodes.PROTOCOL_ERROR, reason));
        } else {
            session.onProtocolViolation(reason);
        }
    }

    private void enterDiscarding(long payload) {
        state = State.DISCARDING;
        payloadLeft = payload; // the refused frame's payload is skipped, never buffered
        discardBudget = payload > Long.MAX_VALUE - DISCARD_SLACK ? Long.MAX_VALUE : payload + DISCARD_SLACK;
        writer.hold();
    }

    /**
     * Drops what the client sends after a refusal, following frame headers only to see its close
     * frame; when that has come (or the client sent too much), the held TCP close may happen.
     */
    private void discard(ByteBuffer data, int from) {
        int pos = from;
        int end = data.limit();
        discardBudget -= end - from;
        while (pos < end && state == State.DISCARDING) {
            if (payloadLeft > 0) {
                int step = (int) Math.min(payloadLeft, end - pos);
                payloadLeft -= step;
                pos += step;
                if (payloadLeft == 0 && inClientClose) {
                    finishDiscarding();
                }
                continue;
            }
            header[headerLength++] = data.get(pos++);
            int needed = headerSize();
            if (needed < 0 || headerLength < needed) {
                continue;
            }
            payloadLeft = payloadLength();
            inClientClose = (header[0] & 0x0F) == OPCODE_CLOSE;
            headerLength = 0;
            if (payloadLeft == 0 && inClientClose) {
                finishDiscarding();
            }
        }
        if (discardBudget < 0) {
            finishDiscarding(); // the client ignores our close and keeps sending: stop waiting for it
        }
        data.position(end);
    }

    private void finishDiscarding() {
        state = State.DONE;
        writer.release();
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
}
