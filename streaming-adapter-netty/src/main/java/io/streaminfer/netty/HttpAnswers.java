package io.streaminfer.netty;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Plain-text HTTP answers that hold a status and a sentence of ours, never anything of the request. */
final class HttpAnswers {

    private HttpAnswers() {
    }

    /**
     * Answers and closes the connection.
     *
     * @param status  the HTTP status
     * @param text    the body, a sentence for humans; the status phrase when {@literal null}
     * @param headers extra headers
     */
    static void refuse(ChannelHandlerContext ctx, int status, String text, Map<String, String> headers) {
        HttpResponseStatus code = HttpResponseStatus.valueOf(status);
        FullHttpResponse response = plain(code, text == null ? code.toString() : text);
        headers.forEach((name, value) -> response.headers().set(name, value));
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    static FullHttpResponse plain(HttpResponseStatus status, String text) {
        byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return response;
    }
}
