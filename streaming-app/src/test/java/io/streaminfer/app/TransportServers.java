package io.streaminfer.app;

import io.streaminfer.protocol.TransportServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streaminfer.jetty.JettyStreamingServer;
import io.streaminfer.netty.NettyStreamingServer;
import io.streaminfer.micrometer.MicrometerStreamListener;
import io.streaminfer.core.InferenceResult;
import io.streaminfer.core.PipelineRegistry;
import io.streaminfer.core.StreamConfig;
import io.streaminfer.core.StreamEngine;
import io.streaminfer.tck.Timeouts;
import io.streaminfer.tyrus.TyrusStreamingServer;
import io.streaminfer.protocol.AccessPolicy;
import io.streaminfer.protocol.HttpContent;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One runtime (Tyrus, Jetty or Netty) around a test engine, built directly rather than through the
 * app's environment, so a test can set what the environment does not reach: a small frame limit,
 * a short handshake timeout, connection caps, a token, the smallest memory budget. The engine has a
 * {@code noop} pipeline and a {@code gate} pipeline that holds each frame until {@link #openGate()}.
 */
final class TransportServers implements AutoCloseable {

    private final CountDownLatch gate = new CountDownLatch(1);
    private final CountDownLatch gateEntered = new CountDownLatch(1);
    final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final StreamEngine engine;
    private final TransportServer transport;

    private TransportServers(ServerSettings.Transport runtime, long maxFrameBytes, Options options) throws IOException {
        PipelineRegistry registry = PipelineRegistry.of(Map.of(
                "noop", () -> frame -> InferenceResult.builder().put("bytes", frame.jpeg().length).build(),
                "gate", () -> frame -> {
                    gateEntered.countDown();
                    gate.await(Timeouts.ANSWER.toMillis() * 3, TimeUnit.MILLISECONDS);
                    return InferenceResult.empty();
                }));
        MicrometerStreamListener listener = new MicrometerStreamListener(metrics, List.of("noop", "gate"));
        this.engine = StreamEngine.builder(registry)
                .config(options.stream(StreamConfig.builder().maxFrameBytes(maxFrameBytes)).build())
                .workers(2)
                .listener(listener)
                .build();
        listener.bindEngine(engine);
        this.transport = switch (runtime) {
            case JETTY -> jetty(options);
            case NETTY -> netty(options);
            case TYRUS -> tyrus(options);
        };
    }

    static TransportServers start(ServerSettings.Transport runtime, long maxFrameBytes) throws IOException {
        return new TransportServers(runtime, maxFrameBytes, new Options());
    }

    static TransportServers start(ServerSettings.Transport runtime, long maxFrameBytes, Options options) throws IOException {
        return new TransportServers(runtime, maxFrameBytes, options);
    }

    private TransportServer jetty(Options options) throws IOException {
        JettyStreamingServer.Builder jetty = JettyStreamingServer.builder(engine).host("127.0.0.1").port(0)
                .access(options.access).content(HttpContent.none());
        if (options.handshakeTimeout != null) {
            jetty.handshakeTimeout(options.handshakeTimeout);
        }
        if (options.maxConnections > 0) {
            jetty.maxConnections(options.maxConnections);
        }
        if (options.maxPendingPerAddress >= 0) {
            jetty.maxPendingConnectionsPerAddress(options.maxPendingPerAddress);
        }
        return jetty.start();
    }

    private TransportServer netty(Options options) throws IOException {
        NettyStreamingServer.Builder netty = NettyStreamingServer.builder(engine).host("127.0.0.1").port(0)
                .access(options.access).content(HttpContent.none());
        if (options.handshakeTimeout != null) {
            netty.handshakeTimeout(options.handshakeTimeout);
        }
        if (options.maxConnections > 0) {
            netty.maxConnections(options.maxConnections);
        }
        if (options.maxPendingPerAddress >= 0) {
            netty.maxPendingConnectionsPerAddress(options.maxPendingPerAddress);
        }
        return netty.start();
    }

    private TransportServer tyrus(Options options) {
        TyrusStreamingServer.Builder builder = TyrusStreamingServer.builder(engine).host("127.0.0.1").port(0)
                .access(options.access);
        if (options.handshakeTimeout != null) {
            builder.handshakeTimeout(options.handshakeTimeout);
        }
        if (options.maxConnections > 0) {
            builder.maxConnections(options.maxConnections);
        }
        if (options.maxPendingPerAddress >= 0) {
            builder.maxPendingConnectionsPerAddress(options.maxPendingPerAddress);
        }
        return builder.start();
    }

    int port() {
        return transport.port();
    }

    boolean stop(Duration grace) {
        return transport.stop(grace);
    }

    void awaitGateEntered() throws InterruptedException {
        if (!gateEntered.await(Timeouts.ANSWER.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("no frame reached the gate pipeline");
        }
    }

    void openGate() {
        gate.countDown();
    }

    /** A sample of the Prometheus exposition, 0 when the series is not there yet. */
    double metric(String series) {
        PrometheusText text = new PrometheusText(metrics.scrape());
        return text.has(series) ? text.value(series) : 0;
    }

    @Override
    public void close() {
        openGate();
        transport.stop(Duration.ofSeconds(5));
        metrics.close();
    }

    /** Transport settings a test may change; unset ones keep the runtime's defaults. */
    static final class Options {
        private Duration handshakeTimeout;
        private int maxConnections;
        private long memoryBudgetBytes;
        private int maxPendingPerAddress = -1;
        private AccessPolicy access = AccessPolicy.open();

        /** The memory budget, and a pipeline timeout long enough for a test to hold frames in the gate while it sends. */
        Options memoryBudgetBytes(long bytes) {
            this.memoryBudgetBytes = bytes;
            return this;
        }

        private StreamConfig.Builder stream(StreamConfig.Builder builder) {
            return memoryBudgetBytes > 0
                    ? builder.memoryBudgetBytes(memoryBudgetBytes).pipelineTimeout(Timeouts.ANSWER.multipliedBy(6)) : builder;
        }

        Options access(AccessPolicy policy) {
            this.access = policy;
            return this;
        }

        Options handshakeTimeout(Duration timeout) {
            this.handshakeTimeout = timeout;
            return this;
        }

        Options maxConnections(int connections) {
            this.maxConnections = connections;
            return this;
        }

        Options maxPendingPerAddress(int connections) {
            this.maxPendingPerAddress = connections;
            return this;
        }
    }
}
