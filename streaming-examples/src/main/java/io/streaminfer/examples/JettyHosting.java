package io.streaminfer.examples;

import io.streaminfer.core.StreamConfig;
import io.streaminfer.core.StreamEngine;
import io.streaminfer.pipeline.PipelineOptions;
import io.streaminfer.pipeline.Pipelines;
import io.streaminfer.protocol.AccessPolicy;
import io.streaminfer.websocket.StreamEndpoint;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.websocket.jakarta.common.JakartaWebSocketSession;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

/** Example 1 of docs/embedding.md: the stream endpoint in a Jetty server that also serves your own servlets. */
public final class JettyHosting implements AutoCloseable {

    private final Server server;
    private final StreamEngine engine;

    private JettyHosting(Server server, StreamEngine engine) {
        this.server = server;
        this.engine = engine;
    }

    /**
     * @param port the port, 0 for any
     * @return the running server, on the engine's defaults, open to everyone
     * @throws Exception when Jetty does not start
     */
    public static JettyHosting start(int port) throws Exception {
        return start(port, StreamConfig.ofDefaults(), PipelineOptions.ofDefaults(), AccessPolicy.open());
    }

    /**
     * @param port      the port, 0 for any
     * @param config    the engine's settings
     * @param pipelines the built-in pipelines' options ({@code delay}'s hold time, the pixel limit)
     * @param access    who may connect (origins, token)
     * @return the running server
     * @throws Exception when Jetty does not start
     */
    public static JettyHosting start(int port, StreamConfig config, PipelineOptions pipelines, AccessPolicy access)
            throws Exception {
        // region example
        StreamEngine engine = StreamEngine.builder(Pipelines.defaults(pipelines)).config(config).build();

        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);

        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder(new HttpServlet() {          // your application, as before
            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                response.getWriter().print("hello from my app");
            }
        }), "/hello");
        JakartaWebSocketServletContainerInitializer.configure(context, (servletContext, container) ->
                container.addEndpoint(StreamEndpoint.config(engine,     // ws://host:port/ws/video/stream
                        session -> ((InetSocketAddress) ((JakartaWebSocketSession) session).getCoreSession()
                                .getRemoteAddress()).getAddress().getHostAddress(),     // the client's IP, no port
                        access)));                                      // allowed origins, the token
        server.setHandler(context);
        server.start();
        // endregion
        return new JettyHosting(server, engine);
    }

    /** @return the bound port */
    public int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    /**
     * Stops gracefully: frames in flight are answered, every session is closed with 1001 (new
     * handshakes meanwhile get {@code server_busy} and 1013), then Jetty stops.
     *
     * @param grace how long frames in flight may take
     * @throws Exception when Jetty does not stop
     */
    public void stop(Duration grace) throws Exception {
        engine.shutdown(grace);   // answers frames in flight, closes sessions with 1001
        server.stop();
    }

    @Override
    public void close() throws Exception {
        stop(Duration.ofSeconds(5));
    }
}
