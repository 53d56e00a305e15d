package io.streaminfer.core;

/**
 * Port through which the engine talks to one client: the transport sends what the engine
 * hands it and closes the connection when told.
 *
 * <p>A transport creates one channel per connection and passes it to
 * {@link StreamEngine#open}. The engine calls it from the transport's receive thread and from
 * its worker threads, but <em>never concurrently</em> for one channel, and in the order the
 * client must see the messages. Neither method may block on the network: queue the write and
 * report its outcome through the callback. Every {@link #send} is followed by exactly one call
 * of its callback (possibly on another thread, possibly before {@code send} returns); the
 * engine counts unfinished sends to bound what a slow client can make the server hold.
 * After {@link #close} the engine calls neither method again.
 */
public interface OutboundChannel {

    /**
     * Queues one message for the client.
     *
     * @param message  the message, never {@literal null}
     * @param callback completed once when the write finished or failed, never {@literal null}
     */
    void send(ServerMessage message, SendCallback callback);

    /**
     * Closes the connection after the messages already queued.
     *
     * @param closeCode a WebSocket close code (RFC 6455 section 7.4)
     * @param reason    a short reason for humans; the transport may shorten it to fit the frame
     */
    void close(int closeCode, String reason);

    /** Outcome of one {@link OutboundChannel#send}. Completed once, from any thread. */
    interface SendCallback {

        /** The message was written. */
        void succeeded();

        /**
         * The message could not be written; the connection is usually gone.
         *
         * @param cause why
         */
        void failed(Throwable cause);
    }
}
