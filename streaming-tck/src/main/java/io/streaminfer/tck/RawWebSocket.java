package io.streaminfer.app;

import io.streaminfer.tck.Timeouts;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
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
 * reserved-bit frames, broken handshakes, a frame in the same write as the upgrade request.
 * Reads time out after {@link Timeouts#ANSWER}, which fails the test rather than passing it.
 */
final class RawWebSocket implements AutoCloseable {

    /** The sample key of RFC 6455 section 1.3. */
    static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final int port;

    private RawWebSocket(Socket socket, int port) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.port = port;
    }

    static RawWebSocket connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), (int) Timeouts.CONNECT.toMillis());
        socket.setSoTimeout((int) Timeouts.ANSWER.toMillis());
        return new RawWebSocket(socket, port);
    }

    /** A valid upgrade request for {@code pathAndQuery}, with extra header lines. */
    String upgradeRequest(String pathAndQuery, String... extraHeaders) {
        StringBuilder request = new StringBuilder("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + KEY
                + "\r\nSec-WebSocket-Version: 13\r\n");
        for (String header : extraHeaders) {
            request.append(header).append("\r\n");
        }
        return request.append("\r\n").toString();
    }

    /** Upgrades to the noop pipeline and checks for 101. */
    RawWebSocket upgrade(String... extraHeaders) throws IOException {
        write(upgradeRequest("/ws/video/stream?pipeline_id=noop", extraHeaders).getBytes(StandardCharsets.US_ASCII));
        Response response = readResponseHead();
        if (response.status() != 101) {
            throw new IOException("not upgraded: " + response.head());
        }
        return this;
    }

    void write(byte[]... parts) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            all.writeBytes(part);
        }
        out.write(all.toByteArray()); // one write, so one TCP segment where it fits
        out.flush();
    }

    /** The status line and headers (names in lower case); the body is left unread. */
    Response readResponseHead() throws IOException {
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

    /** The body of a response: by its Content-Length, its chunks, or else until the server hangs up. */
    String readBody(Response response) throws IOException {
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

    /** Everything left until the server closes the connection (an error page's body, say). */
    String readToEnd() throws IOException {
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        try {
            in.transferTo(rest);
        } catch (SocketException e) {
            // a reset after the server's last byte: what was read is what it sent
        }
        return rest.toString(StandardCharsets.ISO_8859_1);
    }

    /** The next frame from the server; server frames are never masked. */
    Frame readFrame() throws IOException {
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
     */
    List<Frame> readUntilClosed() throws IOException {
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
     */
    List<Frame> finishClose() throws IOException {
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

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("connection closed");
        }
        return b;
    }

    /** Whether the server has closed the connection: a read sees the end (or a reset) within the timeout. */
    boolean awaitServerHangUp() throws IOException {
        try {
            while (in.read() >= 0) {
                // drain whatever was still on the way
            }
            return true;
        } catch (SocketException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** A client frame with a random mask, as RFC 6455 requires. */
    static byte[] masked(int firstByte, byte[] payload) {
        byte[] key = new byte[4];
        ThreadLocalRandom.current().nextBytes(key);
        return frame(firstByte, payload, key);
    }

    /** A client frame without a mask, which RFC 6455 forbids. */
    static byte[] unmasked(int firstByte, byte[] payload) {
        return frame(firstByte, payload, null);
    }

    /** Only the header of a masked frame declaring {@code length} payload bytes (zero key). */
    static byte[] maskedHeader(int firstByte, long length) {
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

    /** An HTTP response head. */
    record Response(int status, Map<String, String> headers, String head) {
    }

    /** A frame from the server. */
    record Frame(int firstByte, byte[] payload) {
        int opcode() {
            return firstByte & 0x0F;
        }

        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        int closeCode() {
            return payload.length < 2 ? 1005 : ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
        }

        String closeReason() {
            return payload.length <= 2 ? "" : new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return opcode() == CLOSE ? "close " + closeCode() + " '" + closeReason() + "'"
                    : opcode() == TEXT ? text() : "opcode " + opcode() + " (" + payload.length + " bytes)";
        }
    }
}
