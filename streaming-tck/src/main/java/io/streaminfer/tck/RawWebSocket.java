package io.streaminfer.tck;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a bare socket, for what well-behaved clients cannot send: unmasked or
 * reserved-bit frames, broken handshakes, a frame in the same write as the upgrade request, a
 * client that never reads. It also reads what a WebSocket library hides: the HTTP status of a
 * refused handshake, frames after a close frame. Reads time out after {@link Timeouts#ANSWER},
 * which fails the test rather than passing it. Not thread-safe.
 */
public final class RawWebSocket implements AutoCloseable {

    /** The sample key of RFC 6455 section 1.3. */
    public static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    /** The text frame opcode. */
    public static final int TEXT = 0x1;
    /** The binary frame opcode. */
    public static final int BINARY = 0x2;
    /** The close frame opcode. */
    public static final int CLOSE = 0x8;
    /** The first byte of a final binary frame without reserved bits. */
    public static final int FINAL_BINARY = 0x80 | BINARY;
    /** The first byte of a final text frame without reserved bits. */
    public static final int FINAL_TEXT = 0x80 | TEXT;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String host;
    private final int port;

    private RawWebSocket(Socket socket, String host, int port) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.host = host;
        this.port = port;
    }

    /**
     * Opens a TCP connection to 127.0.0.1; no handshake yet.
     *
     * @param port the server's port
     * @return the connected client
     * @throws IOException when the connection fails
     */
    public static RawWebSocket connect(int port) throws IOException {
        return connect("127.0.0.1", port, 0);
    }

    /**
     * Opens a TCP connection to 127.0.0.1 from another local address, for a client the server must
     * tell apart from others by its address (all of 127.0.0.0/8 is loopback on Linux); no handshake yet.
     *
     * @param localAddress the address to connect from, like {@code 127.0.0.2}
     * @param port         the server's port
     * @return the connected client
     * @throws IOException when the connection fails
     */
    public static RawWebSocket connectFrom(String localAddress, int port) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(localAddress, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), (int) Timeouts.CONNECT.toMillis());
        socket.setSoTimeout((int) Timeouts.ANSWER.toMillis());
        return new RawWebSocket(socket, "127.0.0.1", port);
    }

    /**
     * Opens a TCP connection to the host and port of a {@code ws://} URI; no handshake yet.
     *
     * @param uri the server's stream endpoint (its path and query are not used here)
     * @return the connected client
     * @throws IOException when the connection fails
     */
    public static RawWebSocket connect(URI uri) throws IOException {
        return connect(uri.getHost(), uri.getPort(), 0);
    }

    /**
     * Opens a TCP connection with a small receive buffer, for a client that stops reading: the
     * server then finds its writes stuck after a few kilobytes.
     *
     * @param uri           the server's stream endpoint
     * @param receiveBuffer the socket's receive buffer in bytes, set before connecting
     * @return the connected client
     * @throws IOException when the connection fails
     */
    public static RawWebSocket connect(URI uri, int receiveBuffer) throws IOException {
        return connect(uri.getHost(), uri.getPort(), receiveBuffer);
    }

    private static RawWebSocket connect(String host, int port, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress(host, port), (int) Timeouts.CONNECT.toMillis());
        socket.setSoTimeout((int) Timeouts.ANSWER.toMillis());
        return new RawWebSocket(socket, host, port);
    }

    /**
     * @param pathAndQuery  the request target, like {@code /ws/video/stream?pipeline_id=noop}
     * @param extraHeaders  whole header lines, like {@code Authorization: Bearer abc}
     * @return a valid upgrade request, with the extra header lines
     */
    public String upgradeRequest(String pathAndQuery, String... extraHeaders) {
        StringBuilder request = new StringBuilder("GET " + pathAndQuery + " HTTP/1.1\r\nHost: " + host + ":" + port
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + KEY
                + "\r\nSec-WebSocket-Version: 13\r\n");
        for (String header : extraHeaders) {
            request.append(header).append("\r\n");
        }
        return request.append("\r\n").toString();
    }

    /**
     * Upgrades to the noop pipeline at {@code /ws/video/stream}.
     *
     * @param extraHeaders whole header lines
     * @return this client, upgraded
     * @throws IOException when the server did not answer 101
     */
    public RawWebSocket upgrade(String... extraHeaders) throws IOException {
        return upgradeTo("/ws/video/stream?pipeline_id=noop", extraHeaders);
    }

    /**
     * Sends an upgrade request and checks the server answered 101.
     *
     * @param pathAndQuery the request target
     * @param extraHeaders whole header lines
     * @return this client, upgraded
     * @throws IOException when the server did not answer 101
     */
    public RawWebSocket upgradeTo(String pathAndQuery, String... extraHeaders) throws IOException {
        return upgradeWith(upgradeRequest(pathAndQuery, extraHeaders));
    }

    private RawWebSocket upgradeWith(String request) throws IOException {
        write(request.getBytes(StandardCharsets.US_ASCII));
        Response response = readResponseHead();
        if (response.status() != 101) {
            throw new IOException("not upgraded: " + response.head());
        }
        return this;
    }

    /**
     * Writes bytes as they are, in one write.
     *
     * @param parts the bytes, concatenated
     * @throws IOException when the connection is gone
     */
    public void write(byte[]... parts) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            all.writeBytes(part);
        }
        out.write(all.toByteArray()); // one write, so one TCP segment where it fits
        out.flush();
    }

    /**
     * Writes each part as it is, without joining them first: for a large payload sent many times
     * from one array.
     *
     * @param parts the bytes to write, in order
     * @throws IOException when the connection is gone
     */
    public void writeEach(byte[]... parts) throws IOException {
        for (byte[] part : parts) {
            out.write(part);
        }
        out.flush();
    }

    /**
     * @return the status line and headers (names in lower case); the body is left unread
     * @throws IOException when the connection ends first, or nothing comes within {@link Timeouts#ANSWER}
     */
    public Response readResponseHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed in the response head: " + head);
            }
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : 0;
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        String[] lines = text.split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.merge(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim(), (a, b) -> a + ", " + b);
            }
        }
        return new Response(Integer.parseInt(lines[0].split(" ")[1]), headers, text);
    }

    /**
     * @param response the response whose head was read
     * @return its body: by its Content-Length, its chunks, or else until the server hangs up
     * @throws IOException when the connection breaks
     */
    public String readBody(Response response) throws IOException {
        String length = response.headers().get("content-length");
        if (length != null) {
            return new String(in.readNBytes(Integer.parseInt(length)), StandardCharsets.ISO_8859_1);
        }
        if (!"chunked".equalsIgnoreCase(response.headers().getOrDefault("transfer-encoding", ""))) {
            return readToEnd();
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            int size = Integer.parseInt(readLine().split(";")[0].trim(), 16);
            if (size == 0) {
                readLine();
                return body.toString(StandardCharsets.ISO_8859_1);
            }
            body.writeBytes(in.readNBytes(size));
            readLine();
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = readByte()) != '\n') {
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    /**
     * @return everything left until the server closes the connection (an error page's body, say)
     * @throws IOException when the read times out
     */
    public String readToEnd() throws IOException {
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        try {
            in.transferTo(rest);
        } catch (SocketException e) {
            // a reset after the server's last byte: what was read is what it sent
        }
        return rest.toString(StandardCharsets.ISO_8859_1);
    }

    /**
     * @return the next frame from the server (server frames are never masked)
     * @throws IOException when the connection ends, or nothing comes within {@link Timeouts#ANSWER}
     */
    public Frame readFrame() throws IOException {
        int b0 = readByte();
        int b1 = readByte();
        long length = b1 & 0x7F;
        if (length == 126) {
            length = ((long) readByte() << 8) | readByte();
        } else if (length == 127) {
            length = 0;
            for (int i = 0; i < 8; i++) {
                length = (length << 8) | readByte();
            }
        }
        byte[] payload = in.readNBytes((int) length);
        if (payload.length < length) {
            throw new EOFException("connection closed inside a frame");
        }
        return new Frame(b0, payload);
    }

    /**
     * Frames until the server's close frame (included), answering it with our close; then reads
     * until the connection ends and adds whatever else came (nothing, from a correct server).
     *
     * @return the frames, the close frame included (the last one, from a correct server)
     * @throws IOException when a read times out
     */
    public List<Frame> readUntilClosed() throws IOException {
        List<Frame> frames = new ArrayList<>();
        while (true) {
            Frame frame;
            try {
                frame = readFrame();
            } catch (EOFException | SocketException e) {
                return frames; // no close frame at all: the caller's assertions say so
            }
            frames.add(frame);
            if (frame.opcode() == CLOSE) {
                break;
            }
        }
        frames.addAll(finishClose());
        return frames;
    }

    /**
     * After the server's close frame: answers it with our close, then reads until the server
     * hangs up.
     *
     * @return frames that came after the server's close frame (none, from a correct server)
     * @throws IOException when a read times out
     */
    public List<Frame> finishClose() throws IOException {
        List<Frame> frames = new ArrayList<>();
        try {
            write(masked(0x80 | CLOSE, new byte[] {0x03, (byte) 0xE8}));
            while (true) {
                frames.add(readFrame());
            }
        } catch (EOFException | SocketException e) {
            return frames; // the server hung up: nothing more can come
        }
    }

    /**
     * After the server's close frame: answers it with our close, then reads until the server hangs
     * up, and says how: {@code "end of stream"} (an orderly close, everything we sent was read) or
     * {@code "reset"} (the server closed with our bytes unread, and what it had sent but we had
     * not read yet may be lost).
     *
     * @return {@code "end of stream"} or {@code "reset"}
     * @throws IOException when a read times out, or a frame comes after the close frame
     */
    public String finishCloseOrderly() throws IOException {
        write(masked(0x80 | CLOSE, new byte[] {0x03, (byte) 0xE8}));
        try {
            int b = in.read();
            if (b >= 0) {
                throw new IOException("the server sent more after its close frame");
            }
            return "end of stream";
        } catch (SocketException e) {
            return "reset";
        }
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("connection closed");
        }
        return b;
    }

    /**
     * @return whether the server has closed the connection: a read sees the end (or a reset) within the timeout
     * @throws IOException when the read times out
     */
    public boolean awaitServerHangUp() throws IOException {
        try {
            while (in.read() >= 0) {
                // drain whatever was still on the way
            }
            return true;
        } catch (SocketException e) {
            return true;
        }
    }

    /**
     * @return whether bytes from the server are waiting to be read, without blocking
     * @throws IOException when the connection is broken
     */
    public boolean hasInput() throws IOException {
        return in.available() > 0;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /**
     * Ends the connection abruptly, as a client that crashes or loses its network does: the
     * socket is closed with a zero linger time, so the server gets a TCP reset instead of the end
     * of the stream.
     *
     * @throws IOException when the socket cannot be closed
     */
    public void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    /**
     * @param firstByte FIN, reserved bits and opcode
     * @param payload   the payload
     * @return a client frame with a random mask, as RFC 6455 requires
     */
    public static byte[] masked(int firstByte, byte[] payload) {
        byte[] key = new byte[4];
        ThreadLocalRandom.current().nextBytes(key);
        return frame(firstByte, payload, key);
    }

    /**
     * @param firstByte FIN, reserved bits and opcode
     * @param payload   the payload
     * @return a client frame without a mask, which RFC 6455 forbids
     */
    public static byte[] unmasked(int firstByte, byte[] payload) {
        return frame(firstByte, payload, null);
    }

    /**
     * @param firstByte FIN, reserved bits and opcode
     * @param length    the payload length it declares
     * @return only the header of a masked frame (zero key), for a payload sent separately or never
     */
    public static byte[] maskedHeader(int firstByte, long length) {
        ByteBuffer header = ByteBuffer.allocate(14);
        header.put((byte) firstByte);
        putLength(header, 0x80, length);
        header.putInt(0);
        return java.util.Arrays.copyOf(header.array(), header.position());
    }

    private static byte[] frame(int firstByte, byte[] payload, byte[] key) {
        ByteBuffer frame = ByteBuffer.allocate(14 + payload.length);
        frame.put((byte) firstByte);
        putLength(frame, key == null ? 0 : 0x80, payload.length);
        if (key != null) {
            frame.put(key);
        }
        for (int i = 0; i < payload.length; i++) {
            frame.put((byte) (key == null ? payload[i] : payload[i] ^ key[i % 4]));
        }
        return java.util.Arrays.copyOf(frame.array(), frame.position());
    }

    private static void putLength(ByteBuffer frame, int maskBit, long length) {
        if (length < 126) {
            frame.put((byte) (maskBit | length));
        } else if (length <= 0xFFFF) {
            frame.put((byte) (maskBit | 126)).putShort((short) length);
        } else {
            frame.put((byte) (maskBit | 127)).putLong(length);
        }
    }

    /**
     * An HTTP response head.
     *
     * @param status  the status code
     * @param headers header values by lower-case name
     * @param head    the head as received
     */
    public record Response(int status, Map<String, String> headers, String head) {
    }

    /**
     * A frame from the server.
     *
     * @param firstByte FIN, reserved bits and opcode
     * @param payload   the payload
     */
    public record Frame(int firstByte, byte[] payload) {
        /** @return the opcode */
        public int opcode() {
            return firstByte & 0x0F;
        }

        /** @return the payload as UTF-8 text */
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** @return the close code of a close frame; 1005 when it has none */
        public int closeCode() {
            return payload.length < 2 ? 1005 : ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
        }

        /** @return the reason of a close frame; empty when it has none */
        public String closeReason() {
            return payload.length <= 2 ? "" : new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return opcode() == CLOSE ? "close " + closeCode() + " '" + closeReason() + "'"
                    : opcode() == TEXT ? text() : "opcode " + opcode() + " (" + payload.length + " bytes)";
        }
    }
}
