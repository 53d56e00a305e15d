package io.streaminfer.netty;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.util.concurrent.ScheduledFuture;
import io.streaminfer.core.MemoryBudget;
import io.streaminfer.protocol.CloseReasons;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What the handlers of one upgraded connection share: where the client's messages go (an engine
 * session or a source watcher, {@link ConnectionInput}), the {@link MemoryBudget} messages are read
 * under, and the state of the close handshake. Every method runs on the channel's event loop (Netty
 * calls a channel's handlers there, and {@link #close} moves itself onto it), so nothing here needs
 * a lock.
 */
final class StreamConnection {

    /** How long our close frame may wait for the client's before the TCP connection is cut. */
    static final Duration CLOSE_GRACE = Duration.ofSeconds(2);
    /** The close code a connection that ended without a close frame reports (RFC 6455 section 7.1.5). */
    static final int ABNORMAL_CLOSURE = 1006;
    /** The close code of a close frame without a status (RFC 6455 section 7.1.5). */
    static final int NO_STATUS = 1005;

    private final Channel channel;
    private final MemoryBudget budget;
    private ConnectionInput input;
    private boolean inputRefused;
    private boolean closeSent;
    private int clientCloseCode;
    private boolean transportClosed;

    StreamConnection(Channel channel, MemoryBudget budget) {
        this.channel = channel;
        this.budget = budget;
    }

    Channel channel() {
        return channel;
    }

    void input(ConnectionInput input) {
        this.input = input;
    }

    ConnectionInput input() {
        return input;
    }

    /** @return the server's memory budget, which the {@link FrameGuard} reads messages under */
    MemoryBudget budget() {
        return budget;
    }

    /** Nothing the client sends is handed on any more (a refused frame or a protocol violation). */
    void refuseInput() {
        inputRefused = true;
    }

    boolean inputRefused() {
        return inputRefused;
    }

    boolean closeSent() {
        return closeSent;
    }

    /** Our close frame is being written: nothing follows it, and the client's close frame ends the connection. */
    void closeQueued() {
        closeSent = true;
    }

    /**
     * Writes our close frame, once, after everything written before it; from any thread (the
     * write moves onto the event loop). Nothing is written after it.
     *
     * @param code   the close code
     * @param reason a short reason, cut to fit a control frame
     */
    void close(int code, String reason) {
        if (channel.eventLoop().inEventLoop()) {
            writeClose(code, reason);
        } else {
            channel.eventLoop().execute(() -> writeClose(code, reason));
        }
    }

    private void writeClose(int code, String reason) {
        if (!channel.isActive() || closeSent) {
            return;
        }
        closeQueued();
        channel.writeAndFlush(new CloseWebSocketFrame(code, CloseReasons.fit(reason)))
                .addListener((ChannelFuture written) -> {
                    if (written.isSuccess()) {
                        closeFrameWritten();
                    } else {
                        channel.close();
                    }
                });
    }

    /**
     * Our close frame is written: the connection is closed when the client's close frame comes or
     * {@link #CLOSE_GRACE} after this, whichever is first. When the client's input is no longer
     * read as frames, its close frame cannot be seen: the output is shut down so the client reads
     * our close frame and then the end of the stream.
     */
    void closeFrameWritten() {
        if (inputRefused && channel instanceof DuplexChannel duplex && channel.isActive()) {
            duplex.shutdownOutput();
        }
        ScheduledFuture<?> cut = channel.eventLoop().schedule(() -> channel.close(), CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        channel.closeFuture().addListener(closed -> cut.cancel(false));
    }

    /** @param code the status of the client's close frame, {@link #NO_STATUS} when it had none */
    void clientClosed(int code) {
        clientCloseCode = code;
    }

    /** The connection is gone: the engine is told, once. */
    void transportClosed() {
        if (transportClosed) {
            return;
        }
        transportClosed = true;
        if (input != null) {
            input.onTransportClosed(clientCloseCode != 0 ? clientCloseCode : ABNORMAL_CLOSURE);
        }
    }
}
