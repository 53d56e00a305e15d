package io.streaminfer.netty;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.streaminfer.core.StreamEngine;
import io.streaminfer.protocol.TransportServer;
import io.streaminfer.protocol.AccessPolicy;
import io.streaminfer.protocol.ConnectionLimits;
import io.streaminfer.protocol.HttpContent;
import io.streaminfer.core.SourceFeeds;
import io.streaminfer.protocol.TransportDefaults;
import io.streaminfer.protocol.TrustedProxies;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * {@code STREAM_SERVER=netty}: the stream endpoint on Netty 4.2, driving the engine directly
 * (no Jakarta WebSocket API in between), with the limits and answers of the other runtimes: the
 * handshake checks of {@link StreamWebSocketHandler}, the web console and {@code /api/pipelines}
 * on the same port with quiet error pages and no {@code Server} header, a handshake timeout for
 * connections that never upgrade, a connection cap and a cap per address on connections not yet
 * upgraded ({@link ConnectionGate}), a connection's errors logged without stack traces (a
 * client's reset at debug, {@link ConnectionErrorLog}), and a graceful stop that closes every
 * session with 1001. Given {@link Builder#sources}, read-only watchers of the sources at
 * {@code /ws/sources/<id>} beside the streams. Native epoll where the platform has it, NIO otherwise.
 */
public final class NettyStreamingServer implements TransportServer {

    private static final System.Logger LOG = System.getLogger(NettyStreamingServer.class.getName());
    /** Longest HTTP request line and header block read before the request is refused with 400. */
    private static final int MAX_INITIAL_LINE = 8192;
    private static final int MAX_HEADERS = 16384;

    private final StreamEngine engine;
    private final EventLoopGroup acceptor;
    private final EventLoopGroup workers;
    private final Channel listener;

    private NettyStreamingServer(StreamEngine engine, EventLoopGroup acceptor, EventLoopGroup workers, Channel listener) {
        this.engine = engine;
        this.acceptor = acceptor;
        this.workers = workers;
        this.listener = listener;
    }

    /**
     * @param engine the engine that serves the sessions
     * @return a builder for a server on 0.0.0.0:8080
     */
    public static Builder builder(StreamEngine engine) {
        return new Builder(engine);
    }

    /** @return whether the native epoll transport is used (else NIO) */
    public static boolean nativeTransport() {
        return Epoll.isAvailable();
    }

    private static NettyStreamingServer start(Builder b) throws IOException {
        boolean epoll = nativeTransport();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        EventLoopGroup acceptor = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("stream-netty-accept", true), io);
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(b.ioThreads, new DefaultThreadFactory("stream-netty-io", true), io);
        StreamWebSocketHandler.Builder handler = StreamWebSocketHandler.builder(b.engine)
                .access(b.access).trustedProxies(b.proxies);
        if (b.sources != null) {
            handler.sources(b.sources);
        }
        StreamWebSocketHandler streams = handler.build();
        ConnectionGate gate = new ConnectionGate(b.maxConnections, b.maxPendingPerAddress, b.handshakeTimeout);
        HttpPagesHandler pages = new HttpPagesHandler(b.content);
        ConnectionErrors errors = new ConnectionErrors(ConnectionErrorLog.SHARED);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptor, workers)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast("stream-gate", gate)
                                .addLast("http", new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADERS, 8192))
                                .addLast("stream", streams)
                                .addLast("pages", pages)
                                .addLast("errors", errors);
                    }
                });
        try {
            Channel listener = bootstrap.bind(new InetSocketAddress(b.host, b.port)).sync().channel();
            LOG.log(System.Logger.Level.DEBUG, () -> "stream endpoint on Netty (" + (epoll ? "epoll" : "nio") + ") at "
                    + listener.localAddress());
            return new NettyStreamingServer(b.engine, acceptor, workers, listener);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            shutdown(acceptor, workers);
            throw new IOException("interrupted while binding " + b.host + ":" + b.port, e);
        } catch (RuntimeException e) {
            shutdown(acceptor, workers);
            throw new IOException("cannot listen on " + b.host + ":" + b.port + ": " + e.getMessage(), e);
        }
    }

    @Override
    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /**
     * Stops: the engine answers what is in flight and closes every session with 1001 (new
     * handshakes meanwhile get 503), then the listener and the event loops stop.
     *
     * @param grace how long in-flight frames may take
     * @return whether every session ended within the grace period
     */
    @Override
    public boolean stop(Duration grace) {
        boolean graceful = engine.shutdown(grace);
        listener.close().awaitUninterruptibly();
        shutdown(acceptor, workers);
        return graceful;
    }

    private static void shutdown(EventLoopGroup acceptor, EventLoopGroup workers) {
        // the sessions are closed by now; what is left (close frames being written) gets a moment
        acceptor.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
        acceptor.terminationFuture().awaitUninterruptibly();
    }

    /** Collects the server's settings. Not thread-safe. */
    public static final class Builder {
        private final StreamEngine engine;
        private String host = "0.0.0.0";
        private int port = 8080;
        private AccessPolicy access = AccessPolicy.open();
        private TrustedProxies proxies = TrustedProxies.none();
        private HttpContent content = HttpContent.none();
        private Duration handshakeTimeout = TransportDefaults.HANDSHAKE_TIMEOUT;
        private int maxConnections = TransportDefaults.maxConnections();
        private int maxPendingPerAddress = ConnectionLimits.DEFAULT_MAX_PENDING_PER_ADDRESS;
        private int ioThreads = Runtime.getRuntime().availableProcessors();
        private SourceFeeds sources;

        private Builder(StreamEngine engine) {
            this.engine = Objects.requireNonNull(engine, "engine");
        }

        /** @param host the address to bind @return this builder */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** @param port the port, 0 for any free port @return this builder */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** @param access who may open streams (default: everyone) @return this builder */
        public Builder access(AccessPolicy access) {
            this.access = Objects.requireNonNull(access, "access");
            return this;
        }

        /** @param proxies peers whose forwarding headers name the client (default: none) @return this builder */
        public Builder trustedProxies(TrustedProxies proxies) {
            this.proxies = Objects.requireNonNull(proxies, "proxies");
            return this;
        }

        /** @param content plain HTTP pages next to the endpoint (default: none) @return this builder */
        public Builder content(HttpContent content) {
            this.content = Objects.requireNonNull(content, "content");
            return this;
        }

        /**
         * @param timeout how long a connection may stay plain HTTP before it is closed (default 10 s)
         * @return this builder
         */
        public Builder handshakeTimeout(Duration timeout) {
            this.handshakeTimeout = TransportDefaults.checkHandshakeTimeout(timeout);
            return this;
        }

        /**
         * @param connections connections open at once (default: 80 % of the process' file descriptor
         *                    limit less 64); at the cap a new connection replaces the oldest one not yet
         *                    a WebSocket of the address holding the most, and is closed at once when all
         *                    are WebSockets
         * @return this builder
         */
        public Builder maxConnections(int connections) {
            this.maxConnections = TransportDefaults.checkMaxConnections(connections);
            return this;
        }

        /**
         * @param connections connections not yet WebSockets that one peer address may hold; another
         *                    one replaces its oldest (default {@value ConnectionLimits#DEFAULT_MAX_PENDING_PER_ADDRESS},
         *                    0 for no cap: behind a proxy every client has the proxy's address)
         * @return this builder
         */
        public Builder maxPendingConnectionsPerAddress(int connections) {
            this.maxPendingPerAddress = ConnectionLimits.checkMaxPendingPerAddress(connections);
            return this;
        }

        /**
         * @param threads event loop threads reading and writing connections (default: one per CPU core)
         * @return this builder
         */
        public Builder ioThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("ioThreads must be at least 1, got " + threads);
            }
            this.ioThreads = threads;
            return this;
        }

        /**
         * @param feeds sources whose results watchers read at {@code /ws/sources/<id>} (default: no
         *              such path); closing the watchers when the sources stop is the feeds' job
         * @return this builder
         */
        public Builder sources(SourceFeeds feeds) {
            this.sources = Objects.requireNonNull(feeds, "feeds");
            return this;
        }

        /**
         * @return the running server
         * @throws IOException when the port cannot be bound
         */
        public NettyStreamingServer start() throws IOException {
            return NettyStreamingServer.start(this);
        }
    }
}
