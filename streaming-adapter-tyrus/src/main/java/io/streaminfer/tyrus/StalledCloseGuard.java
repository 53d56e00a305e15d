package io.streaminfer.tyrus;

import org.glassfish.grizzly.Connection;
import org.glassfish.tyrus.spi.CompletionHandler;
import org.glassfish.tyrus.spi.Writer;
import org.glassfish.tyrus.spi.WriterInfo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tears down the TCP connection of a client that does not read. When the engine closes such a
 * session (a slow consumer), Tyrus queues the close frame behind the writes the client never
 * took, and Grizzly's close waits for them: the connection would stay open for as long as the
 * client likes. This guard watches the writes of each connection and terminates it when a close
 * frame is still unwritten after {@link #CLOSE_GRACE_SECONDS}, or when the bytes waiting to be
 * written pass a limit (a bound by bytes next to the engine's bound by messages).
 */
final class StalledCloseGuard {

    static final long CLOSE_GRACE_SECONDS = 2;

    /** One timer thread for the transport's deadlines (stalled closes, lingering closes, handshakes). */
    static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "stream-transport-timer");
        thread.setDaemon(true);
        return thread;
    });

    private StalledCloseGuard() {
    }

    /**
     * @param writer     Tyrus' writer of one connection
     * @param connection that connection, or {@literal null} when unknown (then nothing is watched)
     * @param maxPendingBytes bytes that may wait to be written before the connection is terminated
     * @return a writer that terminates the connection when its close frame stalls
     */
    static Writer watch(Writer writer, Connection<?> connection, long maxPendingBytes) {
        return connection == null ? writer : new Watched(writer, connection, maxPendingBytes);
    }

    private static final class Watched extends Writer {
        private final Writer writer;
        private final Connection<?> connection;
        private final AtomicInteger pending = new AtomicInteger();
        private final AtomicLong pendingBytes = new AtomicLong();
        private final long maxPendingBytes;

        Watched(Writer writer, Connection<?> connection, long maxPendingBytes) {
            this.writer = writer;
            this.connection = connection;
            this.maxPendingBytes = maxPendingBytes;
        }

        @Override
        public void write(ByteBuffer buffer, CompletionHandler<ByteBuffer> handler) {
            write(buffer, handler, null);
        }

        @Override
        public void write(ByteBuffer buffer, CompletionHandler<ByteBuffer> handler, WriterInfo info) {
            boolean closing = info != null && info.getMessageType() == WriterInfo.MessageType.CLOSE;
            boolean stalled = closing && pending.get() > 0;
            AtomicBoolean done = new AtomicBoolean();
            int size = buffer.remaining();
            pending.incrementAndGet();
            if (pendingBytes.addAndGet(size) > maxPendingBytes) {
                connection.terminateSilently(); // a backlog this large means the client is not reading
            }
            CompletionHandler<ByteBuffer> counting = new CompletionHandler<>() {
                @Override
                public void completed(ByteBuffer result) {
                    finish();
                    if (handler != null) {
                        handler.completed(result);
                    }
                }

                @Override
                public void failed(Throwable throwable) {
                    finish();
                    if (handler != null) {
                        handler.failed(throwable);
                    }
                }

                @Override
                public void cancelled() {
                    finish();
                    if (handler != null) {
                        handler.cancelled();
                    }
                }

                private void finish() {
                    if (done.compareAndSet(false, true)) {
                        pending.decrementAndGet();
                        pendingBytes.addAndGet(-size);
                    }
                }
            };
            if (stalled) {
                TIMER.schedule(() -> {
                    if (!done.get()) {
                        connection.terminateSilently(); // the client is not reading: stop waiting for it
                    }
                }, CLOSE_GRACE_SECONDS, TimeUnit.SECONDS);
            }
            if (info == null) {
                writer.write(buffer, counting);
            } else {
                writer.write(buffer, counting, info);
            }
        }

        @Override
        public void close() throws IOException {
            writer.close();
        }
    }
}
