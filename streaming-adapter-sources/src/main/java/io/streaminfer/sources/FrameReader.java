package io.streaminfer.sources;

import java.io.IOException;

/**
 * Reads one connection's frames from a source: a child FFmpeg, an HTTP MJPEG stream, a folder.
 * Read by the source's own thread; {@link #close()} may come from any thread and makes a
 * blocked {@link #next()} return or fail soon.
 */
interface FrameReader extends AutoCloseable {

    /**
     * @return the next JPEG, or {@literal null} when the stream ended
     * @throws IOException when the connection broke; the message is for humans
     */
    byte[] next() throws IOException;

    /**
     * @return the reader's own account of why it stopped (FFmpeg's last error line), or empty
     */
    default String failureDetail() {
        return "";
    }

    /**
     * Makes a blocked {@link #next()} return or fail soon, without waiting for anything: called from
     * threads that must not block (the engine's, the stall check). The reading thread still calls
     * {@link #close()}. Idempotent; the default closes.
     */
    default void interrupt() {
        close();
    }

    /** Releases the connection, waiting for what it held to be gone; idempotent, from any thread. */
    @Override
    void close();
}
