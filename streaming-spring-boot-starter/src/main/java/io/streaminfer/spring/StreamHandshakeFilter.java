package io.streaminfer.spring;

import io.streaminfer.core.StreamEngine;
import io.streaminfer.protocol.AccessPolicy;
import io.streaminfer.protocol.HandshakeCheck;
import io.streaminfer.websocket.ClientAddressFilter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Answers stream handshakes with an HTTP status where the Jakarta API cannot: 503 with
 * {@code Retry-After} while the engine drains, 400 for headers that could be read two ways (a
 * repeated {@code Upgrade}, say: {@link HandshakeCheck#ambiguous}), 401 without the token, as the
 * standalone server does. Then hands the handshake on with the client's address
 * ({@link ClientAddressFilter}), which Tomcat's WebSocket sessions do not carry.
 */
final class StreamHandshakeFilter extends HttpFilter {

    private final StreamEngine engine;
    private final AccessPolicy access;
    private final ClientAddressFilter clientAddress = new ClientAddressFilter();

    StreamHandshakeFilter(StreamEngine engine, AccessPolicy access) {
        this.engine = engine;
        this.access = access;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        Function<String, List<String>> headerLines = name -> {
            Enumeration<String> lines = request.getHeaders(name); // null where a container hides headers
            return lines == null ? List.of() : Collections.list(lines);
        };
        if (HandshakeCheck.isWebSocketUpgrade(headerLines)) {
            if (engine.isDraining()) {
                refuse(response, HandshakeCheck.draining());
                return;
            }
            Optional<HandshakeCheck.Refusal> ambiguous = HandshakeCheck.ambiguous(headerLines);
            if (ambiguous.isPresent()) { // before the token: the container might read another line than we do
                refuse(response, ambiguous.get());
                return;
            }
            if (access.tokenRequired() && !access.authorized(headers(request), parameters(request))) {
                refuse(response, new HandshakeCheck.Refusal(401, "Unauthorized",
                        "a valid token is required: send 'Authorization: Bearer <token>' or the access_token query parameter",
                        Map.of()));
                return;
            }
        }
        clientAddress.doFilter(request, response, chain);
    }

    private static void refuse(HttpServletResponse response, HandshakeCheck.Refusal refusal) throws IOException {
        response.setStatus(refusal.status());
        refusal.headers().forEach(response::setHeader);
        response.setContentType("text/plain;charset=UTF-8");
        response.getWriter().print(refusal.detail());
    }

    private static Map<String, List<String>> headers(HttpServletRequest request) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            headers.put(name, Collections.list(request.getHeaders(name)));
        }
        return headers;
    }

    private static Map<String, List<String>> parameters(HttpServletRequest request) {
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        request.getParameterMap().forEach((name, values) -> parameters.put(name, Arrays.asList(values)));
        return parameters;
    }
}
