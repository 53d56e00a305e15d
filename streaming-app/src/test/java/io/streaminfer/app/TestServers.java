package io.streaminfer.app;

import io.streaminfer.tck.KitSettings;
import io.streaminfer.tck.ServerUnderTest;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Starts the real app on 127.0.0.1 and an ephemeral port, with settings from environment-style maps. */
public final class TestServers {

    private TestServers() {
    }

    public static StreamingServer start(ServerSettings.Transport transport, Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>(overrides);
        env.put("STREAM_SERVER", transport.name().toLowerCase(java.util.Locale.ROOT));
        return start(env);
    }

    public static StreamingServer start(Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>();
        env.put("STREAM_MAX_SESSIONS_PER_CLIENT", "64"); // every test client comes from 127.0.0.1
        env.putAll(overrides);
        return startOnDefaults(env);
    }

    /**
     * Starts the app with every engine setting at its real default (no per-client cap, 64
     * sessions) unless {@code overrides} names it; only the listeners are pinned to loopback and
     * ephemeral ports.
     */
    public static StreamingServer startOnDefaults(ServerSettings.Transport transport, Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>(overrides);
        env.put("STREAM_SERVER", transport.name().toLowerCase(java.util.Locale.ROOT));
        return startOnDefaults(env);
    }

    private static StreamingServer startOnDefaults(Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>();
        env.put("STREAM_HOST", "127.0.0.1");
        env.put("STREAM_PORT", "0");
        env.put("STREAM_MANAGEMENT_PORT", "0");
        env.put("STREAM_SHUTDOWN_GRACE_S", "5");
        env.putAll(overrides);
        return StreamingServer.start(EnvironmentConfig.parse(env));
    }

    public static StreamingServer start() {
        return start(Map.of());
    }

    /**
     * Starts the app for the protocol kit: the kit's settings as environment variables
     * ({@link KitEnvironment}), every other setting at its real default.
     */
    public static ServerUnderTest startForKit(ServerSettings.Transport transport, KitSettings settings) {
        return underTest(startOnDefaults(transport, KitEnvironment.of(settings)));
    }

    /** The app as the kit sees it; the URI is read once, as a stopping server no longer reports its port. */
    public static ServerUnderTest underTest(StreamingServer server) {
        URI streamUri = server.streamUri();
        return new ServerUnderTest() {
            @Override
            public URI streamUri() {
                return streamUri;
            }

            @Override
            public void stop(Duration grace) {
                server.stop(grace);
            }

            @Override
            public void close() {
                server.close(); // nothing once stopped
            }
        };
    }
}
