package io.streaminfer.examples;

import io.streaminfer.protocol.AccessPolicy;
import io.streaminfer.core.StreamConfig;
import io.streaminfer.core.StreamEngine;
import io.streaminfer.pipeline.PipelineOptions;
import io.streaminfer.pipeline.Pipelines;
import io.streaminfer.websocket.ClientAddressFilter;
import io.streaminfer.websocket.StreamEndpoint;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.servlets.DefaultServlet;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.websocket.server.WsSci;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/** Example 1b of docs/embedding.md: the stream endpoint in an embedded Tomcat that also serves your own servlets. */
public final class TomcatHosting implements AutoCloseable {

    private final Tomcat tomcat;
    private final StreamEngine engine;
    private final Path baseDir;

    private TomcatHosting(Tomcat tomcat, StreamEngine engine, Path baseDir) {
        this.tomcat = tomcat;
        this.engine = engine;
        this.baseDir = baseDir;
    }

    /**
     * @param port the port, 0 for any
     * @return the running server, on the default settings
     * @throws Exception when Tomcat does not start
     */
    public static TomcatHosting start(int port) throws Exception {
        return start(StreamConfig.ofDefaults(), port);
    }

    /**
     * @param config the engine's settings
     * @param port   the port, 0 for any
     * @return the running server
     * @throws Exception when Tomcat does not start
     */
    public static TomcatHosting start(StreamConfig config, int port) throws Exception {
        return start(port, config, PipelineOptions.ofDefaults(), AccessPolicy.open());
    }

    /**
     * @param port      the port, 0 for any
     * @param config    the engine's settings
     * @param pipelines the built-in pipelines' options ({@code delay}'s hold time, the pixel limit)
     * @param access    who may connect (origins, token)
     * @return the running server
     * @throws Exception when Tomcat does not start
     */
    public static TomcatHosting start(int port, StreamConfig config, PipelineOptions pipelines, AccessPolicy access)
            throws Exception {
        Path baseDir = Files.createTempDirectory("tomcat-hosting");
        // region example
        StreamEngine engine = StreamEngine.builder(Pipelines.defaults(pipelines)).config(config).build();

        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());                            // Tomcat's work directory
        Connector connector = new Connector();
        connector.setProperty("address", "127.0.0.1");
        connector.setPort(port);
        tomcat.setConnector(connector);

        Context context = tomcat.addContext("", null);
        Tomcat.addServlet(context, "hello", new HttpServlet() {           // your application, as before
            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                response.getWriter().print("hello from my app");
            }
        });
        context.addServletMappingDecoded("/hello", "hello");
        Tomcat.addServlet(context, "default", new DefaultServlet());     // Tomcat filters (the WebSocket upgrade
        context.addServletMappingDecoded("/", "default");                // is one) only run on a mapped path
        context.addServletContainerInitializer(new WsSci(), null);       // Tomcat's Jakarta WebSocket container
        context.addServletContainerInitializer((classes, servletContext) -> {
            // Tomcat's WebSocket sessions do not say who the client is: the filter hands the endpoint its IP
            servletContext.addFilter("stream-client-address", new ClientAddressFilter())
                    .addMappingForUrlPatterns(null, false, StreamEndpoint.PATH);
            ServerContainer container = (ServerContainer) servletContext.getAttribute(ServerContainer.class.getName());
            try {
                container.addEndpoint(StreamEndpoint.config(engine,    // ws://host:port/ws/video/stream
                        StreamEndpoint.clientAddressFromFilter(), access));
            } catch (DeploymentException e) {
                throw new ServletException(e);
            }
        }, null);
        tomcat.start();
        // endregion
        return new TomcatHosting(tomcat, engine, baseDir);
    }

    /** @return the bound port */
    public int port() {
        return tomcat.getConnector().getLocalPort();
    }

    /** @return the engine, for tests that look at what it counts or make it drain */
    public StreamEngine engine() {
        return engine;
    }

    /**
     * Stops: frames in flight are answered and every session gets 1001, then Tomcat stops.
     *
     * @param grace how long frames in flight may take
     * @throws Exception when Tomcat does not stop
     */
    public void stop(Duration grace) throws Exception {
        engine.shutdown(grace);
        close();
    }

    @Override
    public void close() throws Exception {
        engine.shutdown(Duration.ofSeconds(5));   // answers frames in flight, closes sessions with 1001
        tomcat.stop();
        tomcat.destroy();
        try (Stream<Path> files = Files.walk(baseDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
