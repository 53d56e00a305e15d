package io.streaminfer.websocket;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;

/**
 * Tells the endpoint who the client is in servlet containers whose Jakarta WebSocket sessions do
 * not (Tomcat): map it to {@link StreamEndpoint#PATH} and deploy the endpoint with
 * {@link StreamEndpoint#clientAddressFromFilter()}. It hands the handshake on with one header
 * holding the peer's IP address ({@link ServletRequest#getRemoteAddr()}); whatever the client sent
 * under that name is replaced, so a client cannot name itself. Stateless and thread-safe.
 */
public final class ClientAddressFilter implements Filter {

    private static final String HEADER = PeerAddressHeader.NAME;

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        chain.doFilter(request instanceof HttpServletRequest http ? new WithPeer(http) : request, response);
    }

    private static final class WithPeer extends HttpServletRequestWrapper {

        WithPeer(HttpServletRequest request) {
            super(request);
        }

        @Override
        public String getHeader(String name) {
            return HEADER.equalsIgnoreCase(name) ? getRemoteAddr() : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return HEADER.equalsIgnoreCase(name) ? Collections.enumeration(List.of(getRemoteAddr())) : super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            List<String> names = Collections.list(super.getHeaderNames());
            names.removeIf(HEADER::equalsIgnoreCase);
            names.add(HEADER);
            return Collections.enumeration(names);
        }
    }
}
