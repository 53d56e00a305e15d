package io.streaminfer.bench;

import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The transport's own limit: a bare endpoint at the stream path that answers each binary message
 * with a small result-shaped JSON text ({@code {"frame_index":N,"result":{}}}), with no engine,
 * no validation and no pipeline, hosted by Tyrus (Grizzly) or Jetty exactly as the app hosts its
 * endpoint, or by Netty the way a bare Netty application serves WebSocket
 * ({@code WebSocketServerProtocolHandler}, epoll where available, answering on the event loop).
 * {@code bench} runs against it unchanged, so the app's figures are ratios to this.
 *
 * <p>{@code java -cp "streaming-benchmarks/target/classes:streaming-benchmarks/target/lib/*"
 * io.streaminfer.bench.EchoServer tyrus|jetty|netty [port]}
 */
public final class EchoServer {

    private static final System.Logger LOG = System.getLogger(EchoServer.class.getName());

    private EchoServer() {
    }

    /** One instance per session (annotated endpoints are), so the counter needs no lock. */
    @ServerEndpoint("/ws/video/stream")
    public static final class Echo {
        private long frameIndex;

        @OnOpen
        public void open(Session session) {
            session.setMaxBinaryMessageBufferSize(16 * 1024 * 1024);
        }

        @OnMessage
        public void frame(Session session, byte[] frame) {
            session.getAsyncRemote().sendText("{\"frame_index\":" + (++frameIndex) + ",\"result\":{}}");
        }
    }

    /**
     * @param args {@code tyrus}, {@code jetty} or {@code netty}, then optionally the port (default 8090)
     * @throws Exception when the server cannot start
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 1 || !(args[0].equals("tyrus") || args[0].equals("jetty") || args[0].equals("netty"))) {
            throw new IllegalArgumentException("usage: EchoServer tyrus|jetty|netty [port]");
        }
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 8090;
        CountDownLatch stopped = new CountDownLatch(1);
        if (args[0].equals("netty")) {
            NettyEcho netty = NettyEcho.start(port);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                netty.close();
                stopped.countDown();
            }));
        } else if (args[0].equals("tyrus")) {
            org.glassfish.tyrus.server.Server tyrus = new org.glassfish.tyrus.server.Server(
                    "127.0.0.1", port, "/", Map.of(), Echo.class);
            tyrus.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                tyrus.stop();
                stopped.countDown();
            }));
        } else {
            Server jetty = new Server();
            ServerConnector connector = new ServerConnector(jetty);
            connector.setHost("127.0.0.1");
            connector.setPort(port);
            jetty.addConnector(connector);
            ServletContextHandler context = new ServletContextHandler("/");
            JakartaWebSocketServletContainerInitializer.configure(context, (servlet, container) -> container.addEndpoint(Echo.class));
            jetty.setHandler(context);
            jetty.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    jetty.stop();
                } catch (Exception e) {
                    LOG.log(System.Logger.Level.WARNING, "jetty did not stop cleanly: " + e);
                }
                stopped.countDown();
            }));
        }
        LOG.log(System.Logger.Level.INFO, "echo (" + args[0] + ") on ws://127.0.0.1:" + port + "/ws/video/stream");
        stopped.await();
    }
}
