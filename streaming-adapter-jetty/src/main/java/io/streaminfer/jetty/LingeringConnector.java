package io.streaminfer.jetty;

import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.Scheduler;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * Jetty's connector, with a lingering close: a connection Jetty ends is first shut for output (the
 * client reads everything sent, then the end), and what the client still sends is read and
 * dropped until it closes too, for at most {@link #LINGER_MS}, before the socket is closed.
 *
 * <p>Why: Jetty ends a WebSocket connection as soon as its close frame with an error code is out
 * (1003 for a text message, 1009 for a frame past the limit, 1002...), without waiting for the
 * client's close. A socket closed with bytes of the client's still unread, or arriving, is reset,
 * and the reset can wipe the error and the close frame before the client reads them: a client
 * still sending got 1006 and a broken pipe instead of its answer. Tyrus' and Netty's connections
 * already end in order.
 */
final class LingeringConnector extends ServerConnector {

    /** The longest a closed connection's socket stays open to read what the client still sends. */
    static final long LINGER_MS = 2_000;
    private static final long POLL_MS = 20;
    private static final System.Logger LOG = System.getLogger(LingeringConnector.class.getName());

    LingeringConnector(Server server, ConnectionFactory... factories) {
        super(server, factories);
    }

    @Override
    protected SocketChannelEndPoint newEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key) {
        SocketChannelEndPoint endPoint = new LingeringEndPoint(channel, selector, key, getScheduler());
        endPoint.setIdleTimeout(getIdleTimeout());
        return endPoint;
    }

    private static final class LingeringEndPoint extends SocketChannelEndPoint {
        private final Scheduler scheduler;

        LingeringEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key, Scheduler scheduler) {
            super(channel, selector, key, scheduler);
            this.scheduler = scheduler;
        }

        @Override
        public void doClose() {
            SocketChannel channel = getChannel();
            try {
                if (!channel.isOpen() || !channel.isConnected()) {
                    super.doClose();
                    return;
                }
                channel.shutdownOutput(); // what was written goes out, then the end
            } catch (IOException e) {
                super.doClose(); // the peer is gone already: nothing to linger for
                return;
            }
            drain(channel, ByteBuffer.allocate(8192), System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LINGER_MS));
        }

        /** Reads and drops what the client sends until it closes or the deadline passes, then closes. */
        private void drain(SocketChannel channel, ByteBuffer scratch, long deadline) {
            try {
                while (true) {
                    scratch.clear();
                    int read = channel.read(scratch);
                    if (read < 0) {
                        super.doClose();
                        return;
                    }
                    if (read == 0) {
                        break;
                    }
                }
                if (System.nanoTime() - deadline >= 0) {
                    super.doClose();
                    return;
                }
                scheduler.schedule(() -> drain(channel, scratch, deadline), POLL_MS, TimeUnit.MILLISECONDS);
            } catch (IOException | RuntimeException e) { // reset by the client, or the scheduler stopped
                LOG.log(Level.DEBUG, () -> "lingering close ended: " + e);
                super.doClose();
            }
        }
    }
}
