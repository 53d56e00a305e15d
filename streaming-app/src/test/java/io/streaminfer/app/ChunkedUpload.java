package io.streaminfer.app;

import io.streaminfer.tck.Timeouts;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A hostile HTTP request body over a raw socket: the request head, then up to a given number of
 * bytes in 64 KiB chunks ({@code Transfer-Encoding: chunked}) from another thread, while the
 * caller's thread reads the answer until the server closes the connection. A server that reads a
 * whole body before checking its size (issue 23: 147 MB ended a 512 MiB JVM) dies or stalls here.
 */
final class ChunkedUpload {

    private static final int CHUNK_BYTES = 64 * 1024;

    /**
     * What a streamed request got.
     *
     * @param answer the server's answer, up to its close
     * @param sent   body bytes that went out before the server closed the connection
     */
    record Exchange(String answer, long sent) {
    }

    private ChunkedUpload() {
    }

    /**
     * @param port    the listener
     * @param path    the request path
     * @param total   how many body bytes to send at most
     * @param answer  bounds a failure: how long the server may take to answer and close
     * @param headers extra header lines ({@code Name: value})
     * @return the answer and the bytes sent
     */
    static Exchange post(int port, String path, long total, Duration answer, String... headers) throws Exception {
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try (Socket socket = connect(port, answer)) {
            StringBuilder head = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nTransfer-Encoding: chunked\r\n");
            for (String header : headers) {
                head.append(header).append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            byte[] payload = new byte[CHUNK_BYTES];
            Arrays.fill(payload, (byte) 'a');
            byte[] size = (Integer.toHexString(CHUNK_BYTES) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] end = "\r\n".getBytes(StandardCharsets.US_ASCII);
            Future<Long> sending = writer.submit(() -> {
                long sent = 0;
                try {
                    while (sent < total) {
                        out.write(size);
                        out.write(payload);
                        out.write(end);
                        sent += CHUNK_BYTES;
                    }
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (IOException e) {
                    // the server closed the connection: what it was meant to do once it answered
                }
                return sent;
            });
            String text = readUntilClosed(socket.getInputStream(), answer);
            socket.close(); // ends a write the server left hanging, if it did
            return new Exchange(text, sending.get(answer.toSeconds(), TimeUnit.SECONDS));
        } finally {
            writer.shutdownNow();
        }
    }

    static Socket connect(int port, Duration answer) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), (int) Timeouts.CONNECT.toMillis());
        socket.setSoTimeout((int) answer.toMillis());
        return socket;
    }

    /** Reads until the server closes (or resets) the connection; a reset after the answer ends it the same way. */
    static String readUntilClosed(InputStream in, Duration answer) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                bytes.write(buffer, 0, n);
            }
        } catch (java.net.SocketTimeoutException e) {
            throw new AssertionError("the server neither closed the connection nor stopped within " + answer
                    + "; read so far: " + bytes.toString(StandardCharsets.ISO_8859_1), e);
        } catch (SocketException e) {
            // reset: the server closed with our bytes unread, after its answer
        }
        return bytes.toString(StandardCharsets.ISO_8859_1);
    }
}
