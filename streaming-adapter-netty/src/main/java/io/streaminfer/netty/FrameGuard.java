package io.streaminfer.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.util.Arrays;

/**
 * Reads the WebSocket frame headers of one connection before Netty's
 * {@code WebSocket08FrameDecoder} buffers their payloads, and decides from the header alone what
 * the decoder gets:
 * <ul>
 *   <li>a binary message whose declared size passes the limit (one frame, or fragments adding up)
 *       → {@link ConnectionInput#onFrameTooLarge}; its payload is dropped as it arrives, never
 *       buffered, and so is every later data frame (control frames still pass, so the client's
 *       close frame ends the connection); more than {@link #DISCARD_SLACK} past the refused frame
 *       and the connection is closed;</li>
 *   <li>a binary frame whose payload the server's memory budget cannot hold →
 *       {@link ConnectionInput#onFrameSkipped}; the message is dropped unread and the stream goes on
 *       (the budget is reserved here, header by header, and given back once the message reached
 *       the engine: {@link StreamConnection});</li>
 *   <li>a text message → {@link ConnectionInput#onTextMessage} at its first header (the protocol
 *       has none), so it is never buffered;</li>
 *   <li>an RFC 6455 violation → handed to the decoder up to its header, which names it (close 1002
 *       through the engine, {@link StreamFrameHandler}); nothing after it is read.</li>
 * </ul>
 * Bytes it lets through are passed on as slices of the buffers read, without copying. A header
 * split across reads is held back until it is whole. Called on the channel's event loop only.
 */
final class FrameGuard extends ChannelInboundHandlerAdapter {

    /** What a refused client may still send after the refused frame before it is disconnected. */
    static final long DISCARD_SLACK = 1024 * 1024;

    private static final int OPCODE_CONTINUATION = 0x0;
    private static final int OPCODE_TEXT = 0x1;
    private static final int OPCODE_BINARY = 0x2;
    private static final int OPCODE_CLOSE = 0x8;
    private static final int OPCODE_PONG = 0xA;
    private static final int MAX_HEADER = 14;
    private static final int MAX_CONTROL_PAYLOAD = 125;
    /** An empty, final, masked continuation: ends, for the decoder, a fragmented message whose rest is dropped. */
    private static final byte[] END_OF_MESSAGE = {(byte) 0x80, (byte) 0x80, 0, 0, 0, 0};

    /** Where the guard is in the byte stream. */
    private enum State {
        /** Reading a frame header. */
        HEADER,
        /** Inside a payload that is handed on. */
        FORWARD,
        /** Inside a payload that is dropped. */
        DROP,
        /** After a protocol violation: nothing is read any more. */
        CLOSED
    }

    private final StreamConnection connection;
    private final long limit;
    private final byte[] header = new byte[MAX_HEADER];

    private State state = State.HEADER;
    private int headerLength;
    /** Whether the header being read began in an earlier buffer (its first bytes are only in {@link #header}). */
    private boolean headerHeldBack;
    private long payloadLeft;
    private boolean inBinaryMessage;
    private boolean skippingMessage;
    private long messageBytes;
    private boolean discarding;
    private long slackLeft;

    private ByteBuf current;
    private int runStart;
    private int unfinishedHeaderStart;

    /**
     * @param connection the connection's shared state and engine session
     * @param limit      the largest binary message, in bytes (the engine's frame limit)
     */
    FrameGuard(StreamConnection connection, long limit) {
        this.connection = connection;
        this.limit = limit;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            io.netty.util.ReferenceCountUtil.release(msg); // what the HTTP decoder had left: not ours any more
            return;
        }
        try {
            scan(ctx, in);
        } finally {
            current = null;
            in.release();
        }
    }

    private void scan(ChannelHandlerContext ctx, ByteBuf in) {
        current = in;
        int pos = in.readerIndex();
        int end = in.writerIndex();
        runStart = pos;
        while (pos < end && state != State.CLOSED) {
            switch (state) {
                case FORWARD -> {
                    int n = (int) Math.min(payloadLeft, end - pos);
                    pos += n;
                    payloadLeft -= n;
                    if (payloadLeft == 0) {
                        state = State.HEADER;
                    }
                }
                case DROP -> {
                    int n = (int) Math.min(payloadLeft, end - pos);
                    pos += n;
                    runStart = pos;
                    payloadLeft -= n;
                    if (discarding && (slackLeft -= n) < 0) {
                        ctx.close(); // still sending long after its refused frame
                        state = State.CLOSED;
                    } else if (payloadLeft == 0) {
                        state = State.HEADER;
                    }
                }
                case HEADER -> pos = header(ctx, pos, end);
                default -> pos = end;
            }
            if (connection.inputRefused()) {
                state = State.CLOSED;
            }
        }
        if (state != State.CLOSED) {
            flush(ctx, headerLength > 0 ? unfinishedHeaderStart : end);
            if (headerLength > 0) {
                headerHeldBack = true; // an unfinished header waits for the next read, unsent
            }
        }
    }

    /** Reads header bytes from {@code pos}; once the header is whole, decides on its frame. */
    private int header(ChannelHandlerContext ctx, int pos, int end) {
        int headerStart = pos;
        while (pos < end && headerLength < headerSize()) {
            header[headerLength++] = current.getByte(pos++);
        }
        if (headerLength < headerSize()) {
            unfinishedHeaderStart = headerStart;
            return pos; // the rest comes with the next read
        }
        boolean heldBack = headerHeldBack;
        int size = headerLength;
        headerLength = 0;
        headerHeldBack = false;
        payloadLeft = payloadLength();
        Verdict verdict = judge(ctx, headerStart);
        switch (verdict) {
            case FORWARD -> {
                if (heldBack) {
                    flush(ctx, headerStart);
                    ctx.fireChannelRead(Unpooled.wrappedBuffer(Arrays.copyOf(header, size)));
                }
                state = payloadLeft > 0 ? State.FORWARD : State.HEADER;
            }
            case DROP -> {
                flush(ctx, headerStart);
                runStart = pos;
                if (discarding && (slackLeft -= size) < 0) {
                    ctx.close();
                    state = State.CLOSED;
                } else {
                    state = payloadLeft > 0 ? State.DROP : State.HEADER;
                }
            }
            case VIOLATION -> {
                // the decoder gets everything up to this header and names the violation (close 1002)
                if (heldBack) {
                    flush(ctx, headerStart);
                    ctx.fireChannelRead(Unpooled.wrappedBuffer(Arrays.copyOf(header, size)));
                } else {
                    flush(ctx, pos);
                }
                if (!connection.inputRefused()) { // the decoder let it pass: say it ourselves
                    connection.refuseInput();
                    connection.input().onProtocolViolation("malformed frame header");
                }
                state = State.CLOSED;
            }
        }
        return pos;
    }

    private enum Verdict { FORWARD, DROP, VIOLATION }

    private Verdict judge(ChannelHandlerContext ctx, int headerStart) {
        int first = header[0] & 0xFF;
        boolean fin = (first & 0x80) != 0;
        int opcode = first & 0x0F;
        boolean masked = (header[1] & 0x80) != 0;
        long length = payloadLeft;
        boolean control = opcode >= OPCODE_CLOSE;
        if ((first & 0x70) != 0 || !masked || length < 0
                || (control && (opcode > OPCODE_PONG || !fin || length > MAX_CONTROL_PAYLOAD))
                || (!control && opcode > OPCODE_BINARY)
                || (opcode == OPCODE_CONTINUATION && !inBinaryMessage && !skippingMessage)
                || ((opcode == OPCODE_TEXT || opcode == OPCODE_BINARY) && (inBinaryMessage || skippingMessage))) {
            return Verdict.VIOLATION;
        }
        if (control) {
            return Verdict.FORWARD; // ping, pong, close: even while discarding, so the client's close is seen
        }
        if (discarding) {
            return Verdict.DROP;
        }
        if (skippingMessage) { // the rest of a message the budget could not hold
            skippingMessage = !fin;
            return Verdict.DROP;
        }
        if (opcode == OPCODE_TEXT) {
            flush(ctx, headerStart);
            discarding = true;
            slackLeft = DISCARD_SLACK + length;
            connection.input().onTextMessage("");
            return Verdict.DROP;
        }
        messageBytes = opcode == OPCODE_BINARY ? length : messageBytes + length;
        if (messageBytes > limit) {
            flush(ctx, headerStart);
            discarding = true;
            slackLeft = DISCARD_SLACK + length;
            inBinaryMessage = false;
            connection.input().onFrameTooLarge(messageBytes);
            return Verdict.DROP;
        }
        if (!connection.reserve(length)) {
            flush(ctx, headerStart);
            if (inBinaryMessage) { // the decoder holds the first fragments: end its message, have them dropped
                connection.skipMessage();
                ctx.fireChannelRead(Unpooled.wrappedBuffer(END_OF_MESSAGE));
            }
            inBinaryMessage = false;
            skippingMessage = !fin;
            connection.input().onFrameSkipped(messageBytes);
            return Verdict.DROP;
        }
        inBinaryMessage = !fin;
        return Verdict.FORWARD;
    }

    /** Hands on the bytes of the current buffer from the start of the run up to {@code upTo}. */
    private void flush(ChannelHandlerContext ctx, int upTo) {
        if (upTo > runStart && state != State.CLOSED) {
            ctx.fireChannelRead(current.retainedSlice(runStart, upTo - runStart));
        }
        runStart = Math.max(runStart, upTo);
    }

    private int headerSize() {
        if (headerLength < 2) {
            return 2;
        }
        int length7 = header[1] & 0x7F;
        int extended = length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
        return 2 + extended + ((header[1] & 0x80) != 0 ? 4 : 0);
    }

    private long payloadLength() {
        int length7 = header[1] & 0x7F;
        if (length7 == 126) {
            return ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
        }
        if (length7 == 127) {
            long length = 0;
            for (int i = 2; i < 10; i++) {
                length = (length << 8) | (header[i] & 0xFF);
            }
            return length;
        }
        return length7;
    }
}
