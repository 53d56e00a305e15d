package io.streaminfer.tyrus;

import org.glassfish.tyrus.spi.CompletionHandler;
import org.glassfish.tyrus.spi.Writer;
import org.glassfish.tyrus.spi.WriterInfo;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.ClosedChannelException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * The writer Tyrus gets for one connection. Two jobs at the transport's last step:
 * <ul>
 *   <li>nothing is written after the close frame: a data frame queued after it is failed instead;</li>
 *   <li>while the {@link MessageSizeGuard} is discarding a refused frame the client is still
 *       sending, the TCP close that Tyrus does right after its close frame is held back (closing a
 *       socket with unread input resets it, and the client could lose our answer and close frame)
 *       until the client's close frame arrives, the discard budget runs out, or
 *       {@link #LINGER_SECONDS} pass.</li>
 * </ul>
 * Thread-safe: Tyrus writes from the engine's threads, the guard calls from Grizzly's.
 */
final class LingeringCloseWriter extends Writer {

    /** The longest a close is held for a client still sending a refused frame. */
    static final long LINGER_SECONDS = 30;

    private static final System.Logger LOG = System.getLogger(LingeringCloseWriter.class.getName());

    private final Writer writer;
    private boolean closeFrameWritten;
    private boolean holding;
    private boolean closeRequested;
    private boolean closed;

    LingeringCloseWriter(Writer writer) {
        this.writer = writer;
    }

    @Override
    public void write(ByteBuffer buffer, CompletionHandler<ByteBuffer> handler) {
        write(buffer, handler, null);
    }

    @Override
    public void write(ByteBuffer buffer, CompletionHandler<ByteBuffer> handler, WriterInfo info) {
        synchronized (this) {
            if (closeFrameWritten) {
                if (handler != null) {
                    handler.failed(new ClosedChannelException()); // nothing goes out after the close frame
                }
                return;
            }
            closeFrameWritten = info != null && info.getMessageType() == WriterInfo.MessageType.CLOSE;
        }
        if (info == null) {
            writer.write(buffer, handler);
        } else {
            writer.write(buffer, handler, info);
        }
    }

    /** Holds back the TCP close from now on, until {@link #release()} or {@link #LINGER_SECONDS}. */
    void hold() {
        synchronized (this) {
            holding = true;
        }
        StalledCloseGuard.TIMER.schedule(this::release, LINGER_SECONDS, TimeUnit.SECONDS);
    }

    /** Lets the TCP close through; does it now if Tyrus already asked for it. */
    void release() {
        boolean closeNow;
        synchronized (this) {
            holding = false;
            closeNow = closeRequested && !closed;
            closed |= closeNow;
        }
        if (closeNow) {
            closeQuietly();
        }
    }

    /** @return whether the server's close frame has been handed to the connection */
    synchronized boolean closeFrameWritten() {
        return closeFrameWritten;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (holding) {
                closeRequested = true;
                return;
            }
            if (closed) {
                return;
            }
            closed = true;
        }
        closeQuietly();
    }

    private void closeQuietly() {
        try {
            writer.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, () -> "closing a connection failed: " + e);
        }
    }
}
