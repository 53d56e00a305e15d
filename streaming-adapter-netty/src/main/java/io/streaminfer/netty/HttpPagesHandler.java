package io.streaminfer.netty;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.streaminfer.protocol.HttpContent;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The plain HTTP next to the stream endpoint on the standalone server: {@link HttpContent}'s pages
 * for GET and HEAD, and quiet answers for everything else (the status and its phrase, never the
 * request's URI or headers). Bodies of requests are not read. The last handler of the pipeline
 * before {@link ConnectionErrors}.
 */
@ChannelHandler.Sharable
final class HttpPagesHandler extends ChannelInboundHandlerAdapter {

    private final HttpContent content;

    HttpPagesHandler(HttpContent content) {
        this.content = content;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpRequest request) {
                answer(ctx, request);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void answer(ChannelHandlerContext ctx, HttpRequest request) {
        if (request.decoderResult().isFailure()) {
            HttpAnswers.refuse(ctx, 400, null, HttpContent.SECURITY_HEADERS);
            return;
        }
        String uri = request.uri();
        int query = uri.indexOf('?');
        Map<String, String> headers = new LinkedHashMap<>();
        FullHttpResponse[] answer = new FullHttpResponse[1];
        try {
            HttpContent.Credentials credentials = new HttpContent.Credentials(
                    request.headers().getAll(HttpHeaderNames.AUTHORIZATION), query < 0 ? null : uri.substring(query + 1));
            String path = query < 0 ? uri : uri.substring(0, query);
            content.serve(request.method().name(), path, credentials, new HttpContent.Response() {
                @Override
                public void header(String name, String value) {
                    headers.put(name, value);
                }

                @Override
                public void error(int status) {
                    HttpResponseStatus code = HttpResponseStatus.valueOf(status);
                    answer[0] = HttpAnswers.plain(code, code.toString());
                }

                @Override
                public void page(String contentType, byte[] body, boolean withBody) {
                    answer[0] = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                            withBody ? Unpooled.wrappedBuffer(body) : Unpooled.EMPTY_BUFFER);
                    answer[0].headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
                    answer[0].headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
                }
            });
        } catch (java.io.IOException | RuntimeException e) {
            HttpResponseStatus code = HttpResponseStatus.INTERNAL_SERVER_ERROR;
            answer[0] = HttpAnswers.plain(code, code.toString());
        }
        FullHttpResponse response = answer[0];
        headers.forEach((name, value) -> response.headers().set(name, value));
        boolean keepAlive = HttpUtil.isKeepAlive(request) && response.status().code() < 400;
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.writeAndFlush(response);
        }
    }
}
