package io.streaminfer.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The bare Netty echo: Netty's own {@link WebSocketServerProtocolHandler} at the stream path and a
 * handler that answers each binary message on the event loop with {@code {"frame_index":N,"result":{}}}.
 * Epoll where available, one event loop thread per core, as {@code NettyStreamingServer}.
 */
final class NettyEcho implements AutoCloseable {

    private final EventLoopGroup acceptor;
    private final EventLoopGroup workers;

    private NettyEcho(EventLoopGroup acceptor, EventLoopGroup workers) {
        this.acceptor = acceptor;
        this.workers = workers;
    }

    static NettyEcho start(int port) throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> type = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        EventLoopGroup acceptor = new MultiThreadIoEventLoopGroup(1, io);
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(), io);
        WebSocketServerProtocolConfig config = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath("/ws/video/stream").checkStartsWith(true).maxFramePayloadLength(16 * 1024 * 1024).build();
        Channel listener = new ServerBootstrap().group(acceptor, workers).channel(type)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                new WebSocketServerProtocolHandler(config), new Echo());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", port)).sync().channel();
        listener.closeFuture();
        return new NettyEcho(acceptor, workers);
    }

    /** One instance per channel, so the counter needs no lock. */
    private static final class Echo extends SimpleChannelInboundHandler<BinaryWebSocketFrame> {
        private long frameIndex;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, BinaryWebSocketFrame frame) {
            ctx.writeAndFlush(new TextWebSocketFrame(ByteBufUtil.writeUtf8(ctx.alloc(),
                    "{\"frame_index\":" + (++frameIndex) + ",\"result\":{}}")));
        }
    }

    @Override
    public void close() {
        acceptor.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
