package io.streaminfer.app;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One request body read on the management listener, at most a limit: a declared
 * {@code Content-Length} over it is answered 413 before anything is read; otherwise the chunks
 * are copied as Jetty hands them over (and released at once) until the body ends or would pass
 * the limit, which is answered 413 with {@code Connection: close}, the rest never read. So a
 * chunked body of any size costs at most the limit, and no thread waits for a slow sender: when
 * no chunk is there yet, Jetty calls back once one is ({@link Request#demand}).
 */
final class BoundedBody implements Runnable {

    /** What to do with a whole body. */
    @FunctionalInterface
    interface Reader {
        /**
         * @param body the body's bytes, at most the limit
         * @throws IOException when the answer cannot be made
         */
        void accept(byte[] body) throws IOException;
    }

    /** An answer to send, which may fail to encode. */
    @FunctionalInterface
    private interface Answer {
        void run() throws IOException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(BoundedBody.class);

    private final Request request;
    private final Response response;
    private final Callback callback;
    private final int limit;
    private final String tooLarge;
    private final Reader then;
    private byte[] body = new byte[0];
    private int size;

    private BoundedBody(Request request, Response response, Callback callback, int limit, String tooLarge, Reader then) {
        this.request = request;
        this.response = response;
        this.callback = callback;
        this.limit = limit;
        this.tooLarge = tooLarge;
        this.then = then;
    }

    /** See {@link ManagementServer.Endpoints#readBody}. */
    static void read(Request request, Response response, Callback callback, int limit, String tooLarge, Reader then) {
        BoundedBody reading = new BoundedBody(request, response, callback, limit, tooLarge, then);
        if (request.getLength() > limit) {
            reading.refuse(); // declared too large: not a byte read
            return;
        }
        reading.run();
    }

    /** Takes the chunks there are; asks to be called again when it runs out before the end. */
    @Override
    public void run() {
        while (true) {
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                request.demand(this);
                return;
            }
            if (Content.Chunk.isFailure(chunk)) {
                chunk.release();
                answer(() -> ManagementServer.Endpoints.error(request, response, callback, HttpStatus.BAD_REQUEST_400,
                        "bad_request", "the request body could not be read"));
                return;
            }
            ByteBuffer bytes = chunk.getByteBuffer();
            boolean last = chunk.isLast();
            int n = bytes.remaining();
            if (n > limit - size) {
                chunk.release();
                refuse();
                return;
            }
            if (size + n > body.length) {
                body = Arrays.copyOf(body, Math.max(size + n, Math.min(limit, body.length * 2)));
            }
            bytes.get(body, size, n);
            size += n;
            chunk.release();
            if (last) {
                answer(() -> then.accept(Arrays.copyOf(body, size)));
                return;
            }
        }
    }

    /** 413, and the connection closes after it: what the client still sends is never read. */
    private void refuse() {
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        answer(() -> ManagementServer.Endpoints.error(request, response, callback, HttpStatus.PAYLOAD_TOO_LARGE_413,
                "too_large", tooLarge));
    }

    /** Runs an answer; here, on a thread of Jetty's demand, no handler catches what it throws. */
    private void answer(Answer answer) {
        try {
            answer.run();
        } catch (IOException | RuntimeException e) {
            LOG.warn("management request failed", e);
            Response.writeError(request, response, callback, HttpStatus.INTERNAL_SERVER_ERROR_500);
        }
    }
}
