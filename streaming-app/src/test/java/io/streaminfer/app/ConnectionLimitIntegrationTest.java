package io.streaminfer.app;

import io.streaminfer.tck.RawWebSocket;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.streaminfer.tck.SampleFrames;
import io.streaminfer.protocol.AccessPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Connections that never become WebSockets cannot hold the server: idle and slowloris
 * connections are closed after the handshake timeout while a real client is served, the server's
 * threads come back near where they were, beyond the connection cap new connections wait or
 * are closed with one log line, and one address cannot fill the cap: past its cap of connections
 * not yet upgraded, or at the connection cap, its oldest idle connections make room, idle or
 * holding a handshake that was answered without an upgrade.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(ServerSettings.Transport.class)
class ConnectionLimitIntegrationTest {

    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(2);
    /** How far above its starting count the server's threads may stay: generous, it bounds a leak. */
    private static final int THREAD_MARGIN = 30;

    @Parameter
    ServerSettings.Transport runtime;

    private final List<RawWebSocket> sockets = new ArrayList<>();
    private TransportServers server;

    @AfterEach
    void stop() throws Exception {
        for (RawWebSocket socket : sockets) {
            socket.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    @DisplayName("200 idle and 200 slowloris connections: a client is still served, they are closed after the"
            + " handshake timeout, threads return near their start")
    void idleAndSlowlorisConnectionsAreClosed() throws Exception {
        // no cap per address, so that the handshake timeout is what closes the 400 connections of 127.0.0.1
        server = TransportServers.start(runtime, 256 * 1024, new TransportServers.Options().handshakeTimeout(HANDSHAKE_TIMEOUT)
                .maxPendingPerAddress(0));
        int threadsBefore = Thread.activeCount();
        for (int i = 0; i < 200; i++) {
            sockets.add(RawWebSocket.connect(server.port()));
            RawWebSocket slowloris = RawWebSocket.connect(server.port());
            slowloris.write("GET /ws/video/stream?pipeline_id=noop HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: web"
                    .getBytes(StandardCharsets.US_ASCII)); // and never the rest
            sockets.add(slowloris);
        }

        try (RawWebSocket client = RawWebSocket.connect(server.port()).upgrade()) {
            client.write(RawWebSocket.masked(0x80 | RawWebSocket.BINARY, SampleFrames.coffee()));
            assertThat(client.readFrame().text()).startsWith("{\"frame_index\":1,\"result\"");

            for (RawWebSocket socket : sockets) {
                assertThat(socket.awaitServerHangUp()).isTrue(); // a read that times out fails the test
            }
            client.write(RawWebSocket.masked(0x80 | RawWebSocket.BINARY, SampleFrames.coffee()));
            assertThat(client.readFrame().text()).as("the upgraded client outlives the handshake timeout")
                    .startsWith("{\"frame_index\":2,\"result\"");
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(Thread.activeCount()).isLessThanOrEqualTo(threadsBefore + THREAD_MARGIN));
    }

    @Test
    @DisplayName("past the connection cap new connections are held off with one log line, and served once others end")
    void connectionCapIsLoggedOnce() throws Exception {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(logs);
        try {
            server = TransportServers.start(runtime, 256 * 1024, new TransportServers.Options().maxConnections(20));
            for (int i = 0; i < 40; i++) {
                sockets.add(RawWebSocket.connect(server.port()));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> limitLines(logs) >= 1);

            for (RawWebSocket socket : sockets) {
                socket.close();
            }
            sockets.clear();
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
                try (RawWebSocket client = RawWebSocket.connect(server.port()).upgrade()) {
                    client.write(RawWebSocket.masked(0x80 | RawWebSocket.BINARY, SampleFrames.coffee()));
                    assertThat(client.readFrame().text()).startsWith("{\"frame_index\":1,\"result\"");
                }
            });
            assertThat(limitLines(logs)).as("logged once, not per connection").isEqualTo(1);
        } finally {
            root.detachAppender(logs);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"the cap per address, 5", "the connection cap alone, 0"})
    @DisplayName("one address holding more idle connections than the caps allow does not keep a client from another address out,"
            + " and its own WebSocket stays")
    void oneAddressCannotFillTheCap(String what, int maxPendingPerAddress) throws Exception {
        int cap = 20;
        // a handshake timeout longer than the test: only the caps can make room
        server = TransportServers.start(runtime, 256 * 1024, new TransportServers.Options().maxConnections(cap)
                .maxPendingPerAddress(maxPendingPerAddress).handshakeTimeout(Duration.ofMinutes(5)));
        RawWebSocket resident = RawWebSocket.connect(server.port()).upgrade();
        sockets.add(resident);
        for (int i = 0; i < cap + 10; i++) {
            sockets.add(RawWebSocket.connect(server.port())); // from 127.0.0.1, never a request
        }

        for (int session = 1; session <= 3; session++) {
            try (RawWebSocket client = RawWebSocket.connectFrom("127.0.0.2", server.port()).upgrade()) {
                for (int frame = 1; frame <= 3; frame++) {
                    client.write(RawWebSocket.masked(RawWebSocket.FINAL_BINARY, SampleFrames.coffee()));
                    assertThat(client.readFrame().text()).as("%s: session %d, frame %d", what, session, frame)
                            .startsWith("{\"frame_index\":" + frame + ",\"result\"");
                }
            }
        }
        resident.write(RawWebSocket.masked(RawWebSocket.FINAL_BINARY, SampleFrames.coffee()));
        assertThat(resident.readFrame().text()).as("the WebSocket of the crowded address").startsWith("{\"frame_index\":1,\"result\"");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "GET / with a valid handshake, the cap per address    | /                                 | 5",
            "GET / with a valid handshake, the connection cap alone | /                               | 0",
            "a refused origin, the cap per address                | /ws/video/stream?pipeline_id=noop | 5",
            "a refused origin, the connection cap alone           | /ws/video/stream?pipeline_id=noop | 0"})
    @DisplayName("one address whose connections each sent a valid handshake answered without an upgrade (a page, a"
            + " refused origin), and stay open, does not keep a client from another address out")
    void handshakesAnsweredWithoutUpgradeDoNotFillTheCap(String what, String target, int maxPendingPerAddress)
            throws Exception {
        int cap = 20;
        server = TransportServers.start(runtime, 256 * 1024, new TransportServers.Options().maxConnections(cap)
                .maxPendingPerAddress(maxPendingPerAddress).handshakeTimeout(Duration.ofMinutes(5))
                .access(AccessPolicy.of(Set.of("http://cams.example"), false, null)));
        RawWebSocket resident = RawWebSocket.connect(server.port()).upgrade();
        sockets.add(resident);
        for (int i = 0; i < cap + 10; i++) {
            RawWebSocket crowd = RawWebSocket.connect(server.port()); // from 127.0.0.1
            sockets.add(crowd);
            crowd.write(crowd.upgradeRequest(target, "Origin: http://evil.example").getBytes(StandardCharsets.US_ASCII));
            assertThat(crowd.readResponseHead().status()).as("%s: connection %d", what, i).isNotEqualTo(101);
        }

        for (int session = 1; session <= 3; session++) {
            try (RawWebSocket client = RawWebSocket.connectFrom("127.0.0.2", server.port()).upgrade()) {
                client.write(RawWebSocket.masked(RawWebSocket.FINAL_BINARY, SampleFrames.coffee()));
                assertThat(client.readFrame().text()).as("%s: session %d", what, session)
                        .startsWith("{\"frame_index\":1,\"result\"");
            }
        }
        resident.write(RawWebSocket.masked(RawWebSocket.FINAL_BINARY, SampleFrames.coffee()));
        assertThat(resident.readFrame().text()).as("the WebSocket of the crowded address").startsWith("{\"frame_index\":1,\"result\"");
    }

    private static long limitLines(ListAppender<ILoggingEvent> logs) {
        return List.copyOf(logs.list).stream().filter(e -> e.getFormattedMessage().contains("connection_limit_reached")).count();
    }
}
