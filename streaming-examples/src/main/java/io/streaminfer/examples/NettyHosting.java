package io.streaminfer.examples;

import io.streaminfer.protocol.AccessPolicy;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.streaminfer.core.StreamEngine;
import io.streaminfer.core.StreamConfig;
import io.streaminfer.netty.StreamWebSocketHandler;
import io.streaminfer.pipeline.PipelineOptions;
import io.streaminfer.pipeline.Pipelines;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Example 5 of docs/embedding.md: the stream handler in a Netty server that also answers your own requests. */
public final class NettyHosting implements AutoCloseable {

    private final StreamEngine engine;
    private final EventLoopGroup group;
    private final Channel channel;

    private NettyHosting(StreamEngine engine, EventLoopGroup group, Channel channel) {
        this.engine = engine;
        this.group = group;
        this.channel = channel;
    }

    /**
     * @param port the port, 0 for any
     * @return the running server
     * @throws InterruptedException when interrupted while binding
     */
    public static NettyHosting start(int port) throws InterruptedException {
        return start(port, StreamConfig.ofDefaults(), PipelineOptions.ofDefaults(), AccessPolicy.open());
    }

    /**
     * @param port      the port, 0 for any
     * @param config    the engine's settings
     * @param pipelines the built-in pipelines' options ({@code delay}'s hold time, the pixel limit)
     * @param access    who may connect (origins, token)
     * @return the running server
     * @throws InterruptedException when interrupted while binding
     */
    public static NettyHosting start(int port, StreamConfig config, PipelineOptions pipelines, AccessPolicy access)
            throws InterruptedException {
        // region example
        StreamEngine engine = StreamEngine.builder(Pipelines.defaults(pipelines)).config(config).build();
        StreamWebSocketHandler streams = StreamWebSocketHandler.builder(engine).access(access).build();   // one for every channel

        EventLoopGroup group = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
        Channel channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(),
                                streams,                     // ws://host:port/ws/video/stream
                                new SimpleChannelInboundHandler<HttpObject>() {   // your application, as before
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, HttpObject message) {
                                        if (message instanceof HttpRequest) {
                                            byte[] hello = "hello from my app".getBytes(StandardCharsets.UTF_8);
                                            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                                                    HttpResponseStatus.OK, Unpooled.wrappedBuffer(hello));
                                            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, hello.length);
                                            ctx.writeAndFlush(response);
                                        }
                                    }
                                });
                    }
                })
                .bind("127.0.0.1", port).sync().channel();
        // endregion
        return new NettyHosting(engine, group, channel);
    }

    /** @return the bound port */
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /**
     * Stops: frames in flight are answered and every session gets 1001, then the event loops stop.
     *
     * @param grace how long frames in flight may take
     */
    public void stop(Duration grace) {
        engine.shutdown(grace);   // answers frames in flight, closes sessions with 1001 (handshakes meanwhile: 503)
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Override
    public void close() {
        engine.shutdown(Duration.ofSeconds(5));   // answers frames in flight, closes sessions with 1001
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
