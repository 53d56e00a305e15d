package io.streaminfer.app;

import io.streaminfer.core.StreamEngine;
import io.streaminfer.websocket.AccessPolicy;
import io.streaminfer.websocket.HttpContent;
import io.streaminfer.websocket.StreamEndpoint;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.Session;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.websocket.jakarta.common.JakartaWebSocketSession;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code STREAM_SERVER=jetty}: the very same {@link StreamEndpoint} hosted by Jetty 12
 * ({@code jetty-ee10-websocket-jakarta-server}), with the limits and errors of the Tyrus runtime:
 * origins refused with 403 and missing tokens with 401 at the handshake, the frame size limit,
 * the web console and {@code /api/pipelines} on the same port, and a graceful stop that closes
 * every session with 1001.
 */
final class JettyStreamingServer implements StreamTransport {

    /** How long Jetty keeps a connection nobody reads from or writes to after the engine's own idle timeout. */
    private static final Duration IDLE_BACKSTOP = Duration.ofSeconds(30);

    private final StreamEngine engine;
    private final Server server;
    private final ServerConnector connector;

    private JettyStreamingServer(StreamEngine engine, Server server, ServerConnector connector) {
        this.engine = engine;
        this.server = server;
        this.connector = connector;
    }

    /**
     * Binds and starts.
     *
     * @param engine  the engine that serves the sessions
     * @param host    the address to bind
     * @param port    the port, 0 for any free port
     * @param access  who may open streams
     * @param content plain HTTP pages served next to the endpoint
     * @return the running server
     * @throws IOException when the port cannot be bound or the endpoint not deployed
     */
    static JettyStreamingServer start(StreamEngine engine, String host, int port, AccessPolicy access,
                                      HttpContent content) throws IOException {
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("jetty-stream");
        Server server = new Server(threads);
        server.setStopTimeout(0); // the engine drains sessions before Jetty stops
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);

        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder("pages", new PagesServlet(content)), "/");
        Duration idle = engine.config().idleTimeout().plus(IDLE_BACKSTOP);
        JakartaWebSocketServletContainerInitializer.configure(context, (servletContext, container) -> {
            container.setDefaultMaxBinaryMessageBufferSize(StreamEndpoint.receiveLimit(engine.config().maxFrameBytes()));
            container.setDefaultMaxTextMessageBufferSize(StreamEndpoint.MAX_TEXT_MESSAGE_CHARS);
            container.setDefaultMaxSessionIdleTimeout(idle.toMillis());
            container.addEndpoint(StreamEndpoint.config(engine, JettyStreamingServer::remoteAddress, access,
                    JettyStreamingServer::abortIfStillOpen));
        });
        server.setHandler(new TokenGuard(access, context));
        try {
            server.start();
        } catch (IOException e) {
            stopQuietly(server);
            throw e;
        } catch (Exception e) {
            stopQuietly(server);
            throw new IOException("Jetty did not start: " + e.getMessage(), e);
        }
        return new JettyStreamingServer(engine, server, connector);
    }

    @Override
    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public boolean stop(Duration grace) {
        boolean graceful = engine.shutdown(grace);
        stopQuietly(server);
        return graceful;
    }

    private static void stopQuietly(Server server) {
        try {
            server.stop();
        } catch (Exception e) {
            System.getLogger(JettyStreamingServer.class.getName())
                    .log(System.Logger.Level.WARNING, "Jetty did not stop cleanly: " + e);
        }
    }

    private static String remoteAddress(Session session) {
        if (session instanceof JakartaWebSocketSession jetty) {
            SocketAddress address = jetty.getCoreSession().getRemoteAddress();
            if (address instanceof InetSocketAddress inet) {
                return inet.getAddress() == null ? inet.getHostString() : inet.getAddress().getHostAddress();
            }
        }
        return "unknown";
    }

    /**
     * Cuts the connection of a session the engine closed two seconds ago: Jetty queues the
     * close frame behind answers a client that stopped reading never takes, stops reading from it,
     * and would otherwise keep it until its idle timeout.
     */
    private static void abortIfStillOpen(Session session) {
        if (session instanceof JakartaWebSocketSession jetty) {
            // Jetty's session state already reads CLOSED once it queued its close frame, while the
            // connection stays up: abort regardless (a no-op on a connection that is gone)
            jetty.getCoreSession().abort();
        }
    }

    /**
     * Answers upgrade requests that lack the token with 401 before Jetty upgrades them, as the
     * Tyrus runtime does (the Jakarta API alone could only accept and then close with 1008).
     */
    private static final class TokenGuard extends Handler.Wrapper {
        private final AccessPolicy access;

        TokenGuard(AccessPolicy access, Handler next) {
            super(next);
            this.access = access;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            if (access.tokenRequired() && StreamEndpoint.PATH.equals(Request.getPathInContext(request))
                    && !access.authorized(headers(request), parameters(request))) {
                response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
                Response.writeError(request, response, callback, 401, "a valid token is required");
                return true;
            }
            return super.handle(request, response, callback);
        }

        private static Map<String, List<String>> headers(Request request) {
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (HttpField field : request.getHeaders()) {
                headers.computeIfAbsent(field.getName(), k -> new ArrayList<>()).add(field.getValue());
            }
            return headers;
        }

        private static Map<String, List<String>> parameters(Request request) {
            Map<String, List<String>> parameters = new LinkedHashMap<>();
            Fields fields = Request.extractQueryParameters(request);
            fields.forEach(field -> parameters.put(field.getName(), field.getValues()));
            return parameters;
        }
    }

    /** {@link HttpContent} as a servlet. */
    private static final class PagesServlet extends HttpServlet {
        private final transient HttpContent content;

        PagesServlet(HttpContent content) {
            this.content = content;
        }

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            content.serve(request.getMethod(), request.getRequestURI(), new HttpContent.Response() {
                @Override
                public void header(String name, String value) {
                    response.setHeader(name, value);
                }

                @Override
                public void error(int status) throws IOException {
                    response.sendError(status);
                }

                @Override
                public void page(String contentType, byte[] body, boolean withBody) throws IOException {
                    response.setContentType(contentType);
                    response.setContentLength(body.length);
                    if (withBody) {
                        response.getOutputStream().write(body);
                    }
                }
            });
        }
    }
}
