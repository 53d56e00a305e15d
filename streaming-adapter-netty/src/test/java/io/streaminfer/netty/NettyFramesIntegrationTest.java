package io.streaminfer.netty;

import io.streaminfer.core.StreamConfig;
import io.streaminfer.tck.RawWebSocket;
import io.streaminfer.tck.SampleFrames;
import io.streaminfer.tck.Timeouts;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the Netty runtime's frame guard decides from frame headers, over a raw socket: fragments
 * joined up to exactly the limit, fragments adding up past it refused through the engine, and
 * messages the memory budget cannot hold answered as dropped, whole or from a later fragment,
 * while the stream goes on; and pings answered without queueing pongs behind a client that reads nothing.
 */
class NettyFramesIntegrationTest {

    private static final int BINARY = 0x2;
    private static final int CONTINUATION = 0x0;
    private static final int CLOSE = 0x8;
    private static final int PING = 0x9;
    private static final int PONG = 0xA;
    private static final int FIN = 0x80;
    private static final long MIB = 1024 * 1024;

    @Test
    @DisplayName("fragments adding up to exactly the limit are one frame; past it frame_too_large and 1009")
    void fragmentsAreJoinedUpToTheLimit() throws Exception {
        int limit = 64 * 1024;
        try (NettyTestServer server = NettyTestServer.start(StreamConfig.builder().maxFrameBytes(limit).build());
             Client client = Client.connect(server)) {
            byte[] exact = SampleFrames.paddedTo(SampleFrames.coffee(), limit);
            client.sendFragments(exact, 3);
            assertThat(client.readText()).startsWith("{\"frame_index\":1,\"result\"");

            client.sendFragments(SampleFrames.paddedTo(SampleFrames.coffee(), limit + 1), 3);

            assertThat(client.readText()).contains("\"error\":\"frame_too_large\"", "\"frame_index\":2");
            assertThat(client.readCloseCode()).isEqualTo(1009);
        }
    }

    @Test
    @DisplayName("a frame the memory budget cannot hold is answered dropped unread; the stream goes on")
    void frameBeyondTheBudgetIsDropped() throws Exception {
        StreamConfig config = StreamConfig.builder().maxFrameBytes(24 * MIB).memoryBudgetBytes(16 * MIB).build();
        try (NettyTestServer server = NettyTestServer.start(config); Client client = Client.connect(server)) {
            client.sendFragments(SampleFrames.paddedTo(SampleFrames.coffee(), (int) (17 * MIB)), 1);
            assertThat(client.readText()).isEqualTo("{\"frame_index\":1,\"dropped\":true}");

            client.sendFragments(SampleFrames.coffee(), 1);

            assertThat(client.readText()).startsWith("{\"frame_index\":2,\"result\"");
        }
    }

    @Test
    @DisplayName("a message whose later fragment passes the budget is dropped with the fragments already read; the stream goes on")
    void fragmentBeyondTheBudgetDropsTheMessage() throws Exception {
        StreamConfig config = StreamConfig.builder().maxFrameBytes(24 * MIB).memoryBudgetBytes(16 * MIB).build();
        try (NettyTestServer server = NettyTestServer.start(config); Client client = Client.connect(server)) {
            client.sendFragments(SampleFrames.paddedTo(SampleFrames.coffee(), (int) (20 * MIB)), 2);
            assertThat(client.readText()).isEqualTo("{\"frame_index\":1,\"dropped\":true}");

            client.sendFragments(SampleFrames.coffee(), 2);

            assertThat(client.readText()).startsWith("{\"frame_index\":2,\"result\"");
            assertThat(server.engine.memoryBudget().used()).as("bytes still held by the transport")
                    .isLessThan(SampleFrames.coffee().length + 1L);
        }
    }

    @Test
    @DisplayName("a client that floods pings and reads nothing gets no pong queued behind its unread ones")
    void pingFloodQueuesNoPongs() throws Exception {
        int pings = 400_000;
        ByteArrayOutputStream batch = new ByteArrayOutputStream();
        for (int i = 0; i < 1000; i++) {
            batch.writeBytes(RawWebSocket.masked(FIN | PING, new byte[125]));
        }
        try (NettyTestServer server = NettyTestServer.start(StreamConfig.builder().build());
             RawWebSocket client = RawWebSocket.connect(URI.create("ws://127.0.0.1:" + server.server.port()), 4096)) {
            client.upgrade();
            for (int sent = 0; sent < pings; sent += 1000) {
                client.write(batch.toByteArray()); // the server reads them all: nothing here reads its pongs
            }
            client.write(RawWebSocket.masked(FIN | CLOSE, new byte[] {0x03, (byte) 0xE8}));

            int pongs = 0;
            for (RawWebSocket.Frame frame : client.readUntilClosed()) {
                if (frame.opcode() == PONG) {
                    pongs++;
                }
            }
            // what the socket buffers hold and the little the channel queues before it is unwritable; the
            // 52 MB of pongs for every ping would otherwise wait in the server's direct memory
            assertThat(pongs).as("pongs for %d pings", pings).isLessThan(pings / 4);
        }
    }

    /** A raw RFC 6455 client: masked frames out (mask key zero, so payloads go as they are), frames in. */
    private static final class Client implements AutoCloseable {
        private final Socket socket;
        private final OutputStream out;
        private final DataInputStream in;

        private Client(Socket socket) throws IOException {
            this.socket = socket;
            this.out = socket.getOutputStream();
            this.in = new DataInputStream(socket.getInputStream());
        }

        static Client connect(NettyTestServer server) throws IOException {
            Socket socket = new Socket("127.0.0.1", server.server.port());
            socket.setSoTimeout((int) Timeouts.ANSWER.toMillis());
            Client client = new Client(socket);
            client.out.write(("GET " + StreamWebSocketHandler.PATH + "?pipeline_id=noop HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                head.append((char) client.in.readUnsignedByte());
            }
            assertThat(head.toString()).startsWith("HTTP/1.1 101");
            return client;
        }

        /** Sends one binary message in {@code parts} frames of about equal size. */
        void sendFragments(byte[] message, int parts) throws IOException {
            int size = (message.length + parts - 1) / parts;
            for (int i = 0; i < parts; i++) {
                byte[] part = Arrays.copyOfRange(message, Math.min(i * size, message.length),
                        Math.min((i + 1) * size, message.length));
                out.write(header((i == parts - 1 ? FIN : 0) | (i == 0 ? BINARY : CONTINUATION), part.length));
                out.write(part);
            }
            out.flush();
        }

        private static byte[] header(int first, long length) {
            ByteArrayOutputStream header = new ByteArrayOutputStream();
            header.write(first);
            if (length < 126) {
                header.write(0x80 | (int) length);
            } else if (length < 65536) {
                header.write(0x80 | 126);
                header.write((int) (length >> 8));
                header.write((int) length & 0xFF);
            } else {
                header.write(0x80 | 127);
                for (int shift = 56; shift >= 0; shift -= 8) {
                    header.write((int) (length >> shift) & 0xFF);
                }
            }
            header.writeBytes(new byte[4]); // the mask key: zero
            return header.toByteArray();
        }

        private int[] readFrame(ByteArrayOutputStream payload) throws IOException {
            int first = in.readUnsignedByte();
            int second = in.readUnsignedByte();
            long length = second & 0x7F;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] bytes = new byte[(int) length];
            in.readFully(bytes);
            payload.writeBytes(bytes);
            return new int[] {first & 0x0F};
        }

        String readText() throws IOException {
            ByteArrayOutputStream payload = new ByteArrayOutputStream();
            int opcode = readFrame(payload)[0];
            assertThat(opcode).as("a text frame").isEqualTo(0x1);
            return payload.toString(StandardCharsets.UTF_8);
        }

        int readCloseCode() throws IOException {
            ByteArrayOutputStream payload = new ByteArrayOutputStream();
            int opcode = readFrame(payload)[0];
            assertThat(opcode).as("a close frame").isEqualTo(0x8);
            byte[] bytes = payload.toByteArray();
            return ((bytes[0] & 0xFF) << 8) | (bytes[1] & 0xFF);
        }

        @Override
        public void close() throws IOException {
            try {
                out.write(new byte[] {(byte) 0x88, (byte) 0x82, 0, 0, 0, 0, 0x03, (byte) 0xE8});
            } catch (IOException | RuntimeException e) {
                // the server may have hung up already
                socket.close();
                return;
            }
            try {
                while (in.read() >= 0) {
                    // until the server hangs up
                }
            } catch (EOFException | java.net.SocketException e) {
                // hung up
            } finally {
                socket.close();
            }
        }
    }
}
