package io.streaminfer.tyrus;

import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.tyrus.container.grizzly.server.GrizzlyServerFilter;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The Grizzly read that Tyrus is handling on this thread. Tyrus' SPI hands our engine only
 * headers and a writer; a filter placed right before Tyrus' own records the read here, and our
 * engine's upgrade (which Tyrus runs on the same thread, inside that filter chain) reads the
 * HTTP version, the connection and the bytes that came after the request.
 */
final class ReadContext {

    private static final ThreadLocal<FilterChainContext> CURRENT = new ThreadLocal<>();

    private ReadContext() {
    }

    /** An add-on that puts the recording filter right before Tyrus' filter. */
    static AddOn addOn() {
        return new AddOn() {
            @Override
            public void setup(NetworkListener listener, FilterChainBuilder builder) {
                int tyrus = builder.indexOfType(GrizzlyServerFilter.class);
                if (tyrus >= 0) {
                    builder.add(tyrus, new BaseFilter() {
                        @Override
                        public NextAction handleRead(FilterChainContext ctx) throws IOException {
                            CURRENT.set(ctx); // read by our engine's upgrade, on this thread
                            return ctx.getInvokeAction();
                        }
                    });
                }
            }
        };
    }

    /** @return the connection of the read in progress on this thread, or {@literal null} */
    static Connection<?> connection() {
        FilterChainContext ctx = CURRENT.get();
        return ctx == null ? null : ctx.getConnection();
    }

    /** @return the HTTP request of the read in progress on this thread, or {@literal null} */
    static HttpRequestPacket request() {
        FilterChainContext ctx = CURRENT.get();
        return ctx != null && ctx.getMessage() instanceof HttpContent content
                && content.getHttpHeader() instanceof HttpRequestPacket request ? request : null;
    }

    /**
     * Takes the bytes that arrived after the upgrade request in the same read (a client may send
     * its first frame right behind the request), which Tyrus would otherwise drop.
     *
     * @return those bytes, possibly none; never {@literal null}
     */
    static ByteBuffer takeBytesAfterRequest() {
        FilterChainContext ctx = CURRENT.get();
        if (ctx == null || !(ctx.getMessage() instanceof HttpContent content) || !content.getContent().hasRemaining()) {
            return ByteBuffer.allocate(0);
        }
        org.glassfish.grizzly.Buffer rest = content.getContent();
        ByteBuffer copy = ByteBuffer.allocate(rest.remaining());
        rest.get(copy);
        copy.flip();
        return copy;
    }
}
