package io.streaminfer.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.util.Arrays;

/**
 * Reads the WebSocket frames of one connection before Netty's {@code WebSocket08FrameDecoder}, and
 * decides from each header what becomes of its payload:
 * <ul>
 *   <li>a binary message (one frame, or fragments adding up) within the limit whose bytes the
 *       server's memory budget can hold → collected here, unmasked, into one array reserved from
 *       the budget at the header ({@link BudgetedMessage}), and handed to
 *       {@link ConnectionInput#onBinaryMessage} at its last byte: one copy from the socket's read
 *       buffer to the array the engine takes, and no whole frame ever in Netty's pooled direct
 *       buffers (the decoder, which would accumulate it there, sees control frames only);</li>
 *   <li>a binary message whose declared size passes the limit → {@link ConnectionInput#onFrameTooLarge};
 *       its payload is dropped as it arrives, never buffered, and so is every later data frame
 *       (control frames still pass, so the client's close frame ends the connection); more than
 *       {@link #DISCARD_SLACK} past the refused frame and the connection is closed;</li>
 *   <li>a binary frame whose payload the budget cannot hold → {@link ConnectionInput#onFrameSkipped};
 *       the message is dropped unread (with what was collected of it) and the stream goes on;</li>
 *   <li>a text message → {@link ConnectionInput#onTextMessage} at its first header (the protocol
 *       has none), so it is never buffered;</li>
 *   <li>a control frame (ping, pong, close) → handed to the decoder, which builds the frame for
 *       {@link StreamFrameHandler};</li>
 *   <li>an RFC 6455 violation → fragments out of order are named here; any other is handed to the
 *       decoder up to its header, which names it; either way close 1002 through the engine, and
 *       nothing after it is read.</li>
 * </ul>
 * Bytes it hands to the decoder are slices of the buffers read, without copying. A header split
 * across reads is held back until it is whole. Called on the channel's event loop only.
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

    /** Where the guard is in the byte stream. */
    private enum State {
        /** Reading a frame header. */
        HEADER,
        /** Inside a control frame's payload, handed to the decoder. */
        FORWARD,
        /** Inside a binary message's payload, collected into its array. */
        COLLECT,
        /** Inside a payload that is dropped. */
        DROP,
        /** After a protocol violation: nothing is read any more. */
        CLOSED
    }

    private final StreamConnection connection;
    private final long limit;
    private final BudgetedMessage message;
    private final byte[] header = new byte[MAX_HEADER];

    private State state = State.HEADER;
    private int headerLength;
    /** Whether the header being read began in an earlier buffer (its first bytes are only in {@link #header}). */
    private boolean headerHeldBack;
    private long payloadLeft;
    private int mask;
    private boolean finalFrame;
    private long frameOffset;
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
        this.limit = Math.min(limit, BudgetedMessage.MAX_ARRAY);
        this.message = new BudgetedMessage(connection.budget(), this.limit);
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

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        message.discard(); // what was collected of an unfinished message goes back to the budget
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        message.discard();
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
                case COLLECT -> {
                    int n = (int) Math.min(payloadLeft, end - pos);
                    message.append(in, pos, n, mask, frameOffset);
                    frameOffset += n;
                    pos += n;
                    runStart = pos;
                    payloadLeft -= n;
                    if (payloadLeft == 0) {
                        endOfFrame();
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
                message.discard(); // a fragmented message the violation interrupted
            }
        }
        if (state != State.CLOSED) {
            flush(ctx, headerLength > 0 ? unfinishedHeaderStart : end);
            if (headerLength > 0) {
                headerHeldBack = true; // an unfinished header waits for the next read, unsent
            }
        }
    }

    /** The payload of a collected frame is whole: at the message's last frame, the engine takes it. */
    private void endOfFrame() {
        state = State.HEADER;
        if (finalFrame) {
            // the decoder holds nothing of ours (every control frame before this one was handed on whole),
            // so the message reaches the engine in the order the client sent it
            connection.input().onBinaryMessage(message.take());
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
        switch (judge(ctx, headerStart)) {
            case FORWARD -> {
                handOnHeader(ctx, heldBack, size, headerStart, pos);
                state = payloadLeft > 0 ? State.FORWARD : State.HEADER;
            }
            case COLLECT -> {
                flush(ctx, headerStart);
                runStart = pos;
                mask = readMask(size); // masked: the judge refuses unmasked frames
                frameOffset = 0;
                if (payloadLeft > 0) {
                    state = State.COLLECT;
                } else {
                    endOfFrame();
                }
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
                handOnHeader(ctx, heldBack, size, headerStart, pos);
                flush(ctx, pos);
                violation("malformed frame header"); // when the decoder let it pass
                state = State.CLOSED;
            }
            case OUT_OF_ORDER -> {
                flush(ctx, headerStart);
                violation((header[0] & 0x0F) == OPCODE_CONTINUATION ? "continuation frame without a start"
                        : "new message inside a fragmented message");
                state = State.CLOSED;
            }
        }
        return pos;
    }

    /**
     * Hands a whole header to the decoder: when its first bytes came in an earlier read, as a copy
     * (what this read holds of it is then skipped).
     */
    private void handOnHeader(ChannelHandlerContext ctx, boolean heldBack, int size, int headerStart, int pos) {
        if (heldBack) {
            flush(ctx, headerStart);
            ctx.fireChannelRead(Unpooled.wrappedBuffer(Arrays.copyOf(header, size)));
            runStart = pos;
        }
    }

    private void violation(String reason) {
        if (!connection.inputRefused()) {
            connection.refuseInput();
            message.discard();
            connection.input().onProtocolViolation(reason);
        }
    }

    private enum Verdict { FORWARD, COLLECT, DROP, VIOLATION, OUT_OF_ORDER }

    private Verdict judge(ChannelHandlerContext ctx, int headerStart) {
        int first = header[0] & 0xFF;
        boolean fin = (first & 0x80) != 0;
        int opcode = first & 0x0F;
        boolean masked = (header[1] & 0x80) != 0;
        long length = payloadLeft;
        boolean control = opcode >= OPCODE_CLOSE;
        if ((first & 0x70) != 0 || !masked || length < 0
                || (control && (opcode > OPCODE_PONG || !fin || length > MAX_CONTROL_PAYLOAD))
                || (!control && opcode > OPCODE_BINARY)) {
            return Verdict.VIOLATION;
        }
        if ((opcode == OPCODE_CONTINUATION && !inBinaryMessage && !skippingMessage)
                || ((opcode == OPCODE_TEXT || opcode == OPCODE_BINARY) && (inBinaryMessage || skippingMessage))) {
            return Verdict.OUT_OF_ORDER;
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
            message.discard();
            connection.input().onFrameTooLarge(messageBytes);
            return Verdict.DROP;
        }
        if (!message.expect(length, fin)) { // the message so far is discarded with it
            flush(ctx, headerStart);
            inBinaryMessage = false;
            skippingMessage = !fin;
            connection.input().onFrameSkipped(messageBytes);
            return Verdict.DROP;
        }
        inBinaryMessage = !fin;
        finalFrame = fin;
        return Verdict.COLLECT;
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

    /** @return the masking key, the last four bytes of a masked header */
    private int readMask(int size) {
        return ((header[size - 4] & 0xFF) << 24) | ((header[size - 3] & 0xFF) << 16)
                | ((header[size - 2] & 0xFF) << 8) | (header[size - 1] & 0xFF);
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
