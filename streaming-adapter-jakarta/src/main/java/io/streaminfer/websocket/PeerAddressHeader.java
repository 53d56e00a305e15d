package io.streaminfer.websocket;

import java.util.List;
import java.util.Map;

/**
 * The handshake header through which {@link ClientAddressFilter} tells the endpoint the peer's
 * address. Kept apart from the filter so the endpoint reads it without the servlet API on the
 * class path (Tyrus and Netty hosts have none).
 */
final class PeerAddressHeader {

    /** The handshake header the filter sets and the endpoint reads. */
    static final String NAME = "X-Streaminfer-Peer-Address";

    private PeerAddressHeader() {
    }

    /**
     * @param headers the handshake's headers, by name in any case
     * @return the address the filter put there, or {@literal null}
     */
    static String peer(Map<String, List<String>> headers) {
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            if (NAME.equalsIgnoreCase(header.getKey()) && !header.getValue().isEmpty()) {
                return header.getValue().get(0);
            }
        }
        return null;
    }
}
