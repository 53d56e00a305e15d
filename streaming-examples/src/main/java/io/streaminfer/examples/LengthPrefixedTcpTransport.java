package io.streaminfer.examples;

import io.streaminfer.core.OutboundChannel;
import io.streaminfer.core.ServerMessage;
import io.streaminfer.core.StreamEngine;
import io.streaminfer.core.StreamSession;
import io.streaminfer.protocol.JsonMessageCodec;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Example 2 of docs/embedding.md: the engine behind a transport of your own, here plain TCP. A
 * client sends its pipeline id on the first line, then frames as a 4-byte big-endian length and
 * the JPEG bytes; it gets the protocol's JSON messages, one per line.
 */
public final class LengthPrefixedTcpTransport implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(LengthPrefixedTcpTransport.class.getName());

    private final ServerSocket listener;

    /**
     * @param engine the engine that serves the connections
     * @throws IOException when no port can be bound
     */
    public LengthPrefixedTcpTransport(StreamEngine engine) throws IOException {
        listener = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> acceptAll(engine), "tcp-transport-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** @return the bound port */
    public int port() {
        return listener.getLocalPort();
    }

    private void acceptAll(StreamEngine engine) {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                Thread reader = new Thread(() -> serve(engine, socket), "tcp-transport-connection");
                reader.setDaemon(true);
                reader.start();
            } catch (IOException e) {
                return; // the listener was closed
            }
        }
    }

    // region example
    private static final JsonMessageCodec JSON = new JsonMessageCodec();

    private static void serve(StreamEngine engine, Socket socket) {
        try (socket) {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            String pipelineId = firstLine(in);
            OutputStream out = socket.getOutputStream();
            StreamSession session = engine.open(pipelineId, new OutboundChannel() {
                @Override
                public void send(ServerMessage message, SendCallback callback) {
                    try {
                        synchronized (out) {        // a blocking write keeps the example short; see below
                            out.write((JSON.encode(message) + "\n").getBytes(StandardCharsets.UTF_8));
                        }
                        callback.succeeded();
                    } catch (IOException e) {
                        callback.failed(e);
                    }
                }

                @Override
                public void close(int closeCode, String reason) {
                    closeQuietly(socket);       // this transport has no close codes: the client sees the socket end
                }
            }, socket.getInetAddress().getHostAddress());
            int closeCode = 1000;
            try {
                while (true) {
                    byte[] frame = new byte[in.readInt()];
                    in.readFully(frame);
                    session.onBinaryMessage(frame);     // validation, backpressure, the pipeline: the engine's job
                }
            } catch (EOFException e) {
                closeCode = 1000;                       // the client finished
            } catch (IOException e) {
                closeCode = 1006;                       // the connection broke
            }
            session.onTransportClosed(closeCode);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "a connection broke before its session opened: " + e);
        }
    }

    private static String firstLine(DataInputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException("no pipeline id");
            }
            line.append((char) b);
        }
        return line.toString().trim();
    }
    // endregion

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing a connection failed: " + e);
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
