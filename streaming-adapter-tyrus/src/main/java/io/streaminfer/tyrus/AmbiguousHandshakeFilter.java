package io.streaminfer.tyrus;

import io.streaminfer.protocol.HandshakeCheck;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.WriteResult;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.HttpResponsePacket;
import org.glassfish.grizzly.http.Protocol;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.memory.Buffers;
import org.glassfish.grizzly.EmptyCompletionHandler;
import org.glassfish.tyrus.container.grizzly.server.GrizzlyServerFilter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Refuses with 400, before Tyrus sees it, a request that asks for a WebSocket in any of its
 * {@code Upgrade} lines but whose headers could be read two ways ({@link HandshakeCheck#ambiguous}).
 * Tyrus decides from Grizzly's reading of {@code Upgrade}, which keeps the last line as it is: the
 * lines {@code h2c} then {@code websocket} went to our engine, {@code websocket} then {@code h2c} or one
 * line {@code h2c, websocket} to the HTTP pages. Here every layout is refused alike, and the
 * connection closed after the answer.
 */
final class AmbiguousHandshakeFilter extends BaseFilter {

    /** An add-on that puts this filter right before Tyrus' filter, after HTTP parsing. */
    static AddOn addOn() {
        return new AddOn() {
            @Override
            public void setup(NetworkListener listener, FilterChainBuilder builder) {
                int tyrus = builder.indexOfType(GrizzlyServerFilter.class);
                if (tyrus >= 0) {
                    builder.add(tyrus, new AmbiguousHandshakeFilter());
                }
            }
        };
    }

    /**
     * @param request a request as Grizzly parsed it
     * @return its header lines by name (any case), one value per line as sent; never {@literal null}
     */
    static Function<String, List<String>> headerLines(HttpRequestPacket request) {
        return name -> {
            List<String> lines = new ArrayList<>(1);
            request.getHeaders().values(name).forEach(lines::add);
            return lines;
        };
    }

    @Override
    public NextAction handleRead(FilterChainContext ctx) throws IOException {
        if (ctx.getMessage() instanceof HttpContent content && content.getHttpHeader() instanceof HttpRequestPacket request) {
            Function<String, List<String>> headers = headerLines(request);
            if (HandshakeCheck.isWebSocketUpgrade(headers)) {
                Optional<HandshakeCheck.Refusal> refusal = HandshakeCheck.ambiguous(headers);
                if (refusal.isPresent()) {
                    refuse(ctx, request, refusal.get());
                    return ctx.getStopAction();
                }
            }
        }
        return ctx.getInvokeAction();
    }

    private static void refuse(FilterChainContext ctx, HttpRequestPacket request, HandshakeCheck.Refusal refusal) {
        byte[] body = (refusal.detail() + "\n").getBytes(StandardCharsets.UTF_8);
        HttpResponsePacket response = request.getResponse();
        response.setProtocol(Protocol.HTTP_1_1);
        response.setStatus(refusal.status());
        response.setReasonPhrase(refusal.phrase());
        response.setContentType("text/plain; charset=utf-8");
        response.setContentLength(body.length);
        response.setHeader("Connection", "close");
        Connection<?> connection = ctx.getConnection();
        HttpContent answer = HttpContent.builder(response).content(Buffers.wrap(ctx.getMemoryManager(), body))
                .last(true).build();
        ctx.write(answer, new EmptyCompletionHandler<WriteResult>() {
            @Override
            public void completed(WriteResult result) {
                connection.closeSilently();
            }

            @Override
            public void failed(Throwable throwable) {
                connection.closeSilently();
            }
        });
    }
}
