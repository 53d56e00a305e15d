package io.streaminfer.websocket;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Extension;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.Session;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;

import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A deployment of an endpoint config with two of the container's choices taken away: which
 * WebSocket extensions are negotiated (only those the runtime names: none that a client may
 * offer, so no {@code permessage-deflate} and no decompression bombs) and when the runtime
 * learns that a session opened (after the endpoint's own {@code onOpen}, so the runtime can find
 * what the endpoint stored in the session's user properties). Everything else is the wrapped
 * config's.
 */
public final class StrictEndpointConfig {

    private StrictEndpointConfig() {
    }

    /**
     * @param endpoint   the endpoint's config, e.g. from {@link StreamEndpoint#config}
     * @param extensions the extensions the server always uses (a container's internal ones), whatever
     *                   the client offers; usually none
     * @param opened     called on the container's thread right after the endpoint opened a session
     * @return a config for {@code ServerContainer.addEndpoint}, never {@literal null}
     */
    public static ServerEndpointConfig of(ServerEndpointConfig endpoint, List<Extension> extensions, Consumer<Session> opened) {
        Objects.requireNonNull(endpoint, "endpoint");
        List<Extension> fixed = List.copyOf(extensions);
        Objects.requireNonNull(opened, "opened");
        ServerEndpointConfig.Configurator inner = endpoint.getConfigurator();
        ServerEndpointConfig strict = ServerEndpointConfig.Builder.create(ReportingEndpoint.class, endpoint.getPath())
                .subprotocols(endpoint.getSubprotocols())
                .encoders(endpoint.getEncoders())
                .decoders(endpoint.getDecoders())
                .configurator(new ServerEndpointConfig.Configurator() {
                    @Override
                    public <T> T getEndpointInstance(Class<T> endpointClass) throws InstantiationException {
                        Endpoint wrapped = (Endpoint) inner.getEndpointInstance(endpoint.getEndpointClass());
                        return endpointClass.cast(new ReportingEndpoint(wrapped, opened));
                    }

                    @Override
                    public boolean checkOrigin(String originHeaderValue) {
                        return inner.checkOrigin(originHeaderValue);
                    }

                    @Override
                    public void modifyHandshake(ServerEndpointConfig sec, HandshakeRequest request, HandshakeResponse response) {
                        inner.modifyHandshake(sec, request, response);
                    }

                    @Override
                    public String getNegotiatedSubprotocol(List<String> supported, List<String> requested) {
                        return inner.getNegotiatedSubprotocol(supported, requested);
                    }

                    @Override
                    public List<Extension> getNegotiatedExtensions(List<Extension> installed, List<Extension> requested) {
                        return fixed;
                    }
                })
                .build();
        strict.getUserProperties().putAll(endpoint.getUserProperties());
        return strict;
    }

    /** The wrapped endpoint, reporting each session it opened. Public for containers that reflect on it. */
    public static final class ReportingEndpoint extends Endpoint {
        private final Endpoint endpoint;
        private final Consumer<Session> opened;

        ReportingEndpoint(Endpoint endpoint, Consumer<Session> opened) {
            this.endpoint = endpoint;
            this.opened = opened;
        }

        @Override
        public void onOpen(Session session, EndpointConfig config) {
            endpoint.onOpen(session, config);
            opened.accept(session);
        }

        @Override
        public void onClose(Session session, CloseReason closeReason) {
            endpoint.onClose(session, closeReason);
        }

        @Override
        public void onError(Session session, Throwable error) {
            endpoint.onError(session, error);
        }
    }
}
