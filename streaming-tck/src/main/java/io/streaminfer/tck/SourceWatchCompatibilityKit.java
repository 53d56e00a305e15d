package io.streaminfer.tck;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streaminfer.core.SourceFeeds;
import io.streaminfer.core.StreamConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static io.streaminfer.tck.ErrorMessages.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The read-only watchers of {@code /ws/sources/<id>} (docs/protocol.md, "Watching a source"),
 * checked from the outside against a real server, so that every transport serves them alike:
 * results in order as text, frames before them when asked, the errors and close codes, the end of
 * a connection cancelling its subscription, access, and slow watchers that cost nobody else
 * anything. The kit owns the sources: a {@link ManualSourceFeeds} it publishes to by hand, so no
 * camera and no pipeline is involved. Tests are grouped by concern in {@link Nested} classes.
 *
 * <p><b>Writing a kit subclass.</b> Extend this class in a {@code *IntegrationTest} and implement
 * {@link #start(KitSettings, SourceFeeds)}: start your server on 127.0.0.1 and port 0 with the given
 * feeds (your builder's {@code sources(feeds)}) and an engine built with {@link KitSettings#stream()}
 * (it counts watchers against their caps), requiring {@link KitSettings#authToken()} when
 * present ({@code AccessPolicy.of(Set.of(), false, token)}), and return it as a
 * {@link ServerUnderTest} whose {@code streamUri()} names its host and bound port; the kit watches
 * at {@code /ws/sources/<id>} on that host and port. The kit starts at most one server per settings,
 * from a test thread, and closes each once its tests are done. Override {@link #variants()} when your
 * host refuses a handshake without the token (or from another site's page) after the upgrade
 * rather than with HTTP 401 (403).
 *
 * <p>Every client here is a {@link RawWebSocket}, so the kit sees each frame as it comes (binary
 * and text, and nothing after the close frame) and can stop reading. Waits are bounded by
 * {@link Timeouts}; no test sleeps or passes on timing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class SourceWatchCompatibilityKit {

    /** The token of the access tests: long enough for hosts that require 16 characters or more. */
    protected static final String TOKEN = "kit-token-5f1c2a9e7d3b4a60";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Results the slow-watcher test publishes: with its frames, far more than any socket buffers. */
    private static final int SLOW_WATCHER_RESULTS = 200;
    private static final int SLOW_WATCHER_FRAME_BYTES = 128 * 1024;
    /** The receive buffer of the watcher that never reads, so the server's writes to it stall early. */
    private static final int STALLED_RECEIVE_BUFFER = 4096;

    /** The sources every server of this kit serves; tests add their own, one id each. */
    protected final ManualSourceFeeds feeds = new ManualSourceFeeds();
    private final Map<KitSettings, ServerUnderTest> servers = new ConcurrentHashMap<>();
    private final AtomicInteger sourceCount = new AtomicInteger();

    /**
     * Starts a server for the kit: see the class documentation.
     *
     * @param settings what the server runs with; for this kit {@link KitSettings#authToken()} and the engine's
     *                 watcher caps in {@link KitSettings#stream()} ({@code maxWatchers}, {@code maxWatchersPerClient})
     * @param feeds    the sources to serve at {@code /ws/sources/<id>}
     * @return the running server, never {@literal null}
     * @throws Exception when it does not start
     */
    protected abstract ServerUnderTest start(KitSettings settings, SourceFeeds feeds) throws Exception;

    /**
     * @return how this host refuses a handshake without the token or from another site's page; by
     *         default with HTTP 401 or 403 before the upgrade (only {@link HostVariants#unauthorized()} is used)
     */
    protected HostVariants variants() {
        return HostVariants.httpStatuses();
    }

    private ServerUnderTest server(KitSettings settings) {
        return servers.computeIfAbsent(settings, s -> {
            try {
                return start(s, feeds);
            } catch (Exception e) {
                throw new IllegalStateException("the server did not start with " + s, e);
            }
        });
    }

    private ServerUnderTest openServer() {
        return server(KitSettings.defaults());
    }

    @AfterEach
    void transportsKeptTheContract() {
        assertThat(feeds.contractViolations()).as("calls against the WatcherChannel contract").isEmpty();
    }

    @AfterAll
    void stopServers() throws Exception {
        for (ServerUnderTest server : servers.values()) {
            server.close();
        }
        servers.clear();
    }

    /** @return the id of a new source of the kit's feeds, unique in this kit */
    protected final String newSource() {
        String id = "source-" + sourceCount.incrementAndGet();
        feeds.add(id);
        return id;
    }

    /**
     * Connects a watcher and waits until the feeds have its subscription.
     *
     * @param server the server
     * @param id     a source of {@link #feeds}
     * @param query  the query without {@code ?}; empty for none
     * @return the upgraded watcher
     * @throws IOException when the handshake fails
     */
    protected final RawWebSocket watch(ServerUnderTest server, String id, String query) throws IOException {
        int before = feeds.watchers(id);
        RawWebSocket watcher = connect(server, 0).upgradeTo(target(id, query));
        await().atMost(Timeouts.CONNECT).until(() -> feeds.watchers(id) > before);
        return watcher;
    }

    private static RawWebSocket connect(ServerUnderTest server, int receiveBuffer) throws IOException {
        URI uri = server.streamUri();
        return receiveBuffer > 0 ? RawWebSocket.connect(uri, receiveBuffer) : RawWebSocket.connect(uri);
    }

    private static String target(String id, String query) {
        return SourceFeeds.PATH_PREFIX + id + (query.isEmpty() ? "" : "?" + query);
    }

    /** @return a result as a session would send it, numbered */
    private static String result(String id, int index) {
        return "{\"frame_index\":" + index + ",\"result\":{\"source\":\"" + id + "\",\"detections\":[]}}";
    }

    private static RawWebSocket.Frame next(RawWebSocket watcher, int opcode) throws IOException {
        RawWebSocket.Frame frame = watcher.readFrame();
        assertThat(frame.opcode()).as("the opcode of %s", frame).isEqualTo(opcode);
        return frame;
    }

    private static JsonNode json(RawWebSocket.Frame frame) {
        try {
            return JSON.readTree(frame.text());
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + frame.text(), e);
        }
    }

    /** Reads to the server's close frame and checks that it came last: no data frame follows it. */
    private static List<RawWebSocket.Frame> untilClosed(RawWebSocket watcher) throws IOException {
        List<RawWebSocket.Frame> frames = watcher.readUntilClosed();
        assertThat(frames).as("frames up to the server's close frame").isNotEmpty();
        assertThat(frames.get(frames.size() - 1).opcode()).as("the last of %s", frames).isEqualTo(RawWebSocket.CLOSE);
        return frames;
    }

    @Nested
    @DisplayName("Results: a watcher gets the source's results as text messages, unchanged and in order")
    class Results {

        @Test
        @DisplayName("each result arrives unchanged as one text message")
        void resultArrivesAsText() throws IOException {
            String id = newSource();
            try (RawWebSocket watcher = watch(openServer(), id, "")) {
                for (int n = 1; n <= 3; n++) {
                    feeds.publish(id, result(id, n), SampleFrames.coffee());

                    assertThat(next(watcher, RawWebSocket.TEXT).text()).isEqualTo(result(id, n));
                }
            }
        }

        @Test
        @DisplayName("results published faster than they are sent arrive in order, the newest last")
        void burstArrivesInOrder() throws IOException {
            String id = newSource();
            int burst = 50;
            try (RawWebSocket watcher = watch(openServer(), id, "")) {
                for (int n = 1; n <= burst; n++) {
                    feeds.publish(id, result(id, n), null);
                }

                List<Long> indexes = new ArrayList<>();
                while (indexes.isEmpty() || indexes.get(indexes.size() - 1) < burst) {
                    indexes.add(json(next(watcher, RawWebSocket.TEXT)).get("frame_index").asLong());
                }
                assertThat(indexes).as("frame indexes received").isSorted().doesNotHaveDuplicates();
            }
        }

        @Test
        @DisplayName("every watcher of a source gets its results")
        void everyWatcherGetsResults() throws IOException {
            String id = newSource();
            try (RawWebSocket first = watch(openServer(), id, ""); RawWebSocket second = watch(openServer(), id, "")) {
                feeds.publish(id, result(id, 1), null);

                assertThat(next(first, RawWebSocket.TEXT).text()).isEqualTo(result(id, 1));
                assertThat(next(second, RawWebSocket.TEXT).text()).isEqualTo(result(id, 1));
            }
        }
    }

    @Nested
    @DisplayName("Frames: with frames=true each result is preceded by its frame's JPEG as a binary message")
    class Frames {

        @Test
        @DisplayName("a watcher that asked for frames gets each JPEG as it was published, then its result")
        void frameThenResult() throws IOException {
            String id = newSource();
            byte[][] jpegs = {SampleFrames.coffee(), SampleFrames.astronaut(), SampleFrames.qrScene()};
            try (RawWebSocket watcher = watch(openServer(), id, SourceFeeds.FRAMES_PARAMETER + "=true")) {
                for (int n = 1; n <= jpegs.length; n++) {
                    feeds.publish(id, result(id, n), jpegs[n - 1]);

                    assertThat(next(watcher, RawWebSocket.BINARY).payload()).as("frame %d", n).isEqualTo(jpegs[n - 1]);
                    assertThat(next(watcher, RawWebSocket.TEXT).text()).isEqualTo(result(id, n));
                }
            }
        }

        @Test
        @DisplayName("a watcher that did not ask for frames gets text only")
        void noFramesUnlessAsked() throws IOException {
            String id = newSource();
            try (RawWebSocket watcher = watch(openServer(), id, SourceFeeds.FRAMES_PARAMETER + "=false")) {
                feeds.publish(id, result(id, 1), SampleFrames.coffee());
                feeds.publish(id, result(id, 2), SampleFrames.coffee());

                assertThat(next(watcher, RawWebSocket.TEXT).text()).isEqualTo(result(id, 1));
                assertThat(next(watcher, RawWebSocket.TEXT).text()).isEqualTo(result(id, 2));
            }
        }
    }

    @Nested
    @DisplayName("Errors: an unknown source closes with 1008, anything a watcher sends with 1003")
    class Errors {

        @Test
        @DisplayName("an unknown source is answered invalid_source, naming the known ones, then closed with 1008")
        void unknownSource() throws IOException {
            String known = newSource();
            try (RawWebSocket watcher = connect(openServer(), 0).upgradeTo(target("no-such-source", ""))) {
                List<RawWebSocket.Frame> frames = untilClosed(watcher);

                assertThat(frames).as("an error, then the close frame").hasSize(2);
                String detail = assertError(json(frames.get(0)), "invalid_source");
                assertThat(detail).contains("no-such-source", known);
                assertThat(frames.get(1).closeCode()).isEqualTo(1008);
            }
        }

        @Test
        @DisplayName("a text message from a watcher is answered invalid_message, then closed with 1003")
        void textFromWatcher() throws IOException {
            String id = newSource();
            try (RawWebSocket watcher = watch(openServer(), id, "")) {
                watcher.write(RawWebSocket.masked(RawWebSocket.FINAL_TEXT, "hello".getBytes(StandardCharsets.UTF_8)));

                assertRefusedAsReadOnly(id, watcher);
            }
        }

        @Test
        @DisplayName("a binary message from a watcher, even a large one, is answered invalid_message, then closed with 1003")
        void binaryFromWatcher() throws IOException {
            String id = newSource();
            try (RawWebSocket watcher = watch(openServer(), id, "")) {
                watcher.write(RawWebSocket.masked(RawWebSocket.FINAL_BINARY, SampleFrames.paddedTo(SampleFrames.coffee(), 64 * 1024)));

                assertRefusedAsReadOnly(id, watcher);
            }
        }

        private void assertRefusedAsReadOnly(String id, RawWebSocket watcher) throws IOException {
            List<RawWebSocket.Frame> frames = untilClosed(watcher);

            assertThat(frames).as("an error, then the close frame").hasSize(2);
            assertError(json(frames.get(0)), "invalid_message");
            assertThat(frames.get(1).closeCode()).isEqualTo(1003);
            await().atMost(Timeouts.CLOSE).until(() -> feeds.watchers(id) == 0);
        }
    }

    @Nested
    @DisplayName("Lifecycle: the end of a connection cancels its subscription; the feed can close a watcher")
    class Lifecycle {

        @Test
        @DisplayName("a watcher that closes its connection is unsubscribed")
        void closeCancels() throws IOException {
            String id = newSource();
            try (RawWebSocket watcher = watch(openServer(), id, "")) {
                watcher.finishClose();

                await().atMost(Timeouts.CLOSE).until(() -> feeds.watchers(id) == 0);
            }
        }

        @Test
        @DisplayName("a watcher whose connection drops without a close frame is unsubscribed")
        void dropCancels() throws IOException {
            String id = newSource();
            RawWebSocket watcher = watch(openServer(), id, "");

            watcher.close();

            await().atMost(Timeouts.CLOSE).until(() -> feeds.watchers(id) == 0);
        }

        @Test
        @DisplayName("a watcher the feed closes is closed with the feed's code, after what was sent before")
        void feedCloses() throws IOException {
            String id = newSource();
            try (RawWebSocket watcher = watch(openServer(), id, "")) {
                feeds.publish(id, result(id, 1), null);
                assertThat(next(watcher, RawWebSocket.TEXT).text()).isEqualTo(result(id, 1));

                feeds.closeWatchers(id, 1001, "source removed");

                List<RawWebSocket.Frame> frames = untilClosed(watcher);
                assertThat(frames).as("only the close frame").hasSize(1);
                assertThat(frames.get(0).closeCode()).isEqualTo(1001);
            }
        }
    }

    @Nested
    @DisplayName("Slow watchers: a watcher that never reads loses results and costs the others nothing")
    class SlowWatchers {

        @Test
        @DisplayName("while a watcher never reads, publishing never blocks and another watcher gets every result")
        void stalledWatcherDoesNotStopOthers() throws IOException {
            String id = newSource();
            ServerUnderTest server = openServer();
            byte[] frame = SampleFrames.paddedTo(SampleFrames.coffee(), SLOW_WATCHER_FRAME_BYTES);
            try (RawWebSocket stalled = connect(server, STALLED_RECEIVE_BUFFER)
                    .upgradeTo(target(id, SourceFeeds.FRAMES_PARAMETER + "=true"));
                 RawWebSocket reader = watch(server, id, "")) {
                await().atMost(Timeouts.CONNECT).until(() -> feeds.watchers(id) == 2);

                // one result at a time, the next once the reader has the last: a modest, steady rate
                assertTimeoutPreemptively(Timeouts.SLOW_CONSUMER_CUT, () -> {
                    for (int n = 1; n <= SLOW_WATCHER_RESULTS; n++) {
                        feeds.publish(id, result(id, n), frame);
                        assertThat(next(reader, RawWebSocket.TEXT).text()).isEqualTo(result(id, n));
                    }
                });

                assertThat(feeds.lost(id)).as("results the watcher that never reads lost").isPositive();
            }
        }
    }

    @Nested
    @DisplayName("Access: the stream endpoint's token rules hold for watchers; without an origin list only the server's own pages may watch")
    class Access {

        @Test
        @DisplayName("without an origin list, a watcher from another site's page (Origin: null too) is refused (HTTP 403, or 1008) and never subscribed")
        void foreignOrigin() throws IOException {
            String id = newSource();
            ServerUnderTest server = openServer();
            // another site, a sandboxed page or file, and another port of the server's own host
            for (String origin : List.of("http://evil.example", "null", "http://" + server.streamUri().getHost() + ":1")) {
                try (RawWebSocket watcher = connect(server, 0)) {
                    watcher.write(watcher.upgradeRequest(target(id, SourceFeeds.FRAMES_PARAMETER + "=true"), "Origin: " + origin)
                            .getBytes(StandardCharsets.US_ASCII));
                    RawWebSocket.Response response = watcher.readResponseHead();

                    if (variants().unauthorized() == HostVariants.Refusal.HTTP_STATUS) {
                        assertThat(response.status()).as("Origin %s: %s", origin, response.head()).isEqualTo(403);
                    } else {
                        assertThat(response.status()).as(response.head()).isEqualTo(101);
                        List<RawWebSocket.Frame> frames = untilClosed(watcher);
                        assertThat(frames).as("only the close frame: nothing for the page to read").hasSize(1);
                        assertThat(frames.get(0).closeCode()).isEqualTo(1008);
                    }
                }
            }
            assertThat(feeds.watchers(id)).as("watchers subscribed").isZero();
        }

        @Test
        @DisplayName("a watcher from another site's page whose path is spelt another way (an escape, dot segments, a path"
                + " parameter) is refused too (HTTP 4xx, or 1008) and never subscribed")
        void foreignOriginUnderAnotherSpelling() throws IOException {
            String id = newSource();
            ServerUnderTest server = openServer();
            // each decodes or normalises to /ws/sources/<id> in some container, while not starting with it as sent
            for (String path : List.of("/ws/%73ources/" + id, "/ws/%73%6F%75%72%63%65%73/" + id, "/ws/./sources/" + id,
                    "/ws/x/../sources/" + id, "/ws/sources;p=1/" + id)) {
                try (RawWebSocket watcher = connect(server, 0)) {
                    watcher.write(watcher.upgradeRequest(path, "Origin: http://evil.example").getBytes(StandardCharsets.US_ASCII));
                    RawWebSocket.Response response = watcher.readResponseHead();

                    if (variants().unauthorized() == HostVariants.Refusal.HTTP_STATUS) {
                        // 400 for a path that could be read two ways, 403, or 404 where nothing is routed there
                        assertThat(response.status()).as("%s: %s", path, response.head()).isBetween(400, 499);
                    } else if (response.status() == 101) {
                        List<RawWebSocket.Frame> frames = untilClosed(watcher);
                        assertThat(frames).as("only the close frame: nothing for the page to read").hasSize(1);
                        assertThat(frames.get(0).closeCode()).isEqualTo(1008);
                    }
                }
            }
            assertThat(feeds.watchers(id)).as("watchers subscribed").isZero();
        }

        @Test
        @DisplayName("a watcher from the server's own page (its console), or sending no Origin (a script), gets the results")
        void ownOriginOrNone() throws IOException {
            String id = newSource();
            ServerUnderTest server = openServer();
            String own = "Origin: http://" + server.streamUri().getHost() + ":" + server.streamUri().getPort();
            try (RawWebSocket page = connect(server, 0).upgradeTo(target(id, ""), own);
                 RawWebSocket script = watch(server, id, "")) {
                await().atMost(Timeouts.CONNECT).until(() -> feeds.watchers(id) == 2);

                feeds.publish(id, result(id, 1), null);

                assertThat(next(page, RawWebSocket.TEXT).text()).isEqualTo(result(id, 1));
                assertThat(next(script, RawWebSocket.TEXT).text()).isEqualTo(result(id, 1));
            }
        }

        @Test
        @DisplayName("the stream endpoint still upgrades a page of another site when no origin list is set")
        void streamsKeepAnyOrigin() throws IOException {
            try (RawWebSocket stream = connect(openServer(), 0)) {
                stream.write(stream.upgradeRequest("/ws/video/stream?pipeline_id=noop", "Origin: http://evil.example")
                        .getBytes(StandardCharsets.US_ASCII));

                assertThat(stream.readResponseHead().status()).isEqualTo(101);
            }
        }

        @Test
        @DisplayName("a watcher without the token is refused (HTTP 401, or unauthorized and 1008) and never subscribed")
        void withoutToken() throws IOException {
            String id = newSource();
            ServerUnderTest server = server(KitSettings.defaults().withAuthToken(TOKEN));
            try (RawWebSocket watcher = connect(server, 0)) {
                watcher.write(watcher.upgradeRequest(target(id, "")).getBytes(StandardCharsets.US_ASCII));
                RawWebSocket.Response response = watcher.readResponseHead();

                if (variants().unauthorized() == HostVariants.Refusal.HTTP_STATUS) {
                    assertThat(response.status()).as(response.head()).isEqualTo(401);
                } else {
                    assertThat(response.status()).as(response.head()).isEqualTo(101);
                    List<RawWebSocket.Frame> frames = untilClosed(watcher);
                    assertError(json(frames.get(0)), "unauthorized");
                    assertThat(frames.get(frames.size() - 1).closeCode()).isEqualTo(1008);
                }
            }
            assertThat(feeds.watchers(id)).as("watchers subscribed").isZero();
        }

        @Test
        @DisplayName("a watcher with the token, as access_token or as a Bearer header, gets the results")
        void withToken() throws IOException {
            String id = newSource();
            ServerUnderTest server = server(KitSettings.defaults().withAuthToken(TOKEN));
            try (RawWebSocket byQuery = watch(server, id, "access_token=" + TOKEN);
                 RawWebSocket byHeader = connect(server, 0).upgradeTo(target(id, ""), "Authorization: Bearer " + TOKEN)) {
                await().atMost(Timeouts.CONNECT).until(() -> feeds.watchers(id) == 2);

                feeds.publish(id, result(id, 1), null);

                assertThat(next(byQuery, RawWebSocket.TEXT).text()).isEqualTo(result(id, 1));
                assertThat(next(byHeader, RawWebSocket.TEXT).text()).isEqualTo(result(id, 1));
            }
        }
    }

    /**
     * Watchers are WebSockets like streams, so the server caps them like streams: past
     * {@code maxWatchers} in all, or {@code maxWatchersPerClient} from one address, a watcher is
     * refused as a stream past {@code maxSessions} is, and one that leaves frees its place. Each
     * test runs its own server (its own caps), so places other tests left are never in the count.
     */
    @Nested
    @DisplayName("Limits: watchers are capped in all and per client address (server_busy, 1013); one that leaves frees its place")
    class WatcherLimits {

        private ServerUnderTest capped(int maxWatchers, int perClient) {
            return server(KitSettings.defaults().withStream(StreamConfig.builder()
                    .maxFrameBytes(KitSettings.DEFAULT_MAX_FRAME_BYTES)
                    .maxWatchers(maxWatchers).maxWatchersPerClient(perClient).build()));
        }

        /** Reads a refused watcher to its close: server_busy, then 1013, and it was never subscribed. */
        private void assertBusy(RawWebSocket watcher) throws IOException {
            List<RawWebSocket.Frame> frames = untilClosed(watcher);

            assertThat(frames).as("an error, then the close frame").hasSize(2);
            assertError(json(frames.get(0)), "server_busy");
            assertThat(frames.get(1).closeCode()).isEqualTo(1013);
        }

        /**
         * Connects watchers until one is subscribed: a place frees once the server has seen the end
         * of a connection, which the client cannot see, so attempts refused meanwhile are read to
         * their close (server_busy, 1013) and retried, within {@link Timeouts#CLOSE}.
         */
        private RawWebSocket watchOnceFree(ServerUnderTest server, String id) {
            AtomicReference<RawWebSocket> admitted = new AtomicReference<>();
            await().atMost(Timeouts.CLOSE).until(() -> {
                int before = feeds.watchers(id);
                RawWebSocket attempt = connect(server, 0).upgradeTo(target(id, ""));
                await().atMost(Timeouts.CONNECT).until(() -> feeds.watchers(id) > before || attempt.hasInput());
                if (feeds.watchers(id) > before) {
                    admitted.set(attempt);
                    return true;
                }
                try (attempt) {
                    assertBusy(attempt);
                }
                return false;
            });
            return admitted.get();
        }

        @Test
        @DisplayName("past maxWatchers the next watcher gets server_busy and 1013, the others keep their results; after one leaves a new one is accepted")
        void totalCap() throws IOException {
            String id = newSource();
            ServerUnderTest server = capped(3, 0);
            List<RawWebSocket> watchers = new ArrayList<>();
            try {
                for (int n = 0; n < 3; n++) {
                    watchers.add(watch(server, id, ""));
                }

                try (RawWebSocket extra = connect(server, 0).upgradeTo(target(id, ""))) {
                    assertBusy(extra);
                }
                assertThat(feeds.watchers(id)).as("watchers subscribed").isEqualTo(3);
                feeds.publish(id, result(id, 1), null);
                for (RawWebSocket watcher : watchers) {
                    assertThat(next(watcher, RawWebSocket.TEXT).text()).isEqualTo(result(id, 1));
                }

                watchers.remove(0).finishClose();
                watchers.add(watchOnceFree(server, id));

                assertThat(feeds.watchers(id)).isEqualTo(3);
                try (RawWebSocket extra = connect(server, 0).upgradeTo(target(id, ""))) {
                    assertBusy(extra); // the newcomer took the freed place: the cap holds again
                }
            } finally {
                for (RawWebSocket watcher : watchers) {
                    watcher.close();
                }
            }
        }

        @Test
        @DisplayName("past maxWatchersPerClient an address gets server_busy and 1013; another address still gets in")
        void perClientCap() throws IOException {
            String id = newSource();
            ServerUnderTest server = capped(100, 2);
            try (RawWebSocket first = watch(server, id, "");
                 RawWebSocket second = watch(server, id, "")) {
                try (RawWebSocket third = connect(server, 0).upgradeTo(target(id, ""))) {
                    assertBusy(third);
                }

                try (RawWebSocket other = RawWebSocket.connectFrom("127.0.0.2", server.streamUri().getPort())
                        .upgradeTo(target(id, ""))) {
                    await().atMost(Timeouts.CONNECT).until(() -> feeds.watchers(id) == 3);
                }
            }
        }

        @Test
        @DisplayName("a watcher frees its place however it leaves: a close, a reset, a dropped connection, its source removed")
        void everyWayOutFreesThePlace() throws IOException {
            String id = newSource();
            String removed = newSource();
            ServerUnderTest server = capped(4, 0);
            RawWebSocket closing = watch(server, id, "");
            RawWebSocket resetting = watch(server, id, "");
            RawWebSocket dropping = watch(server, id, "");
            RawWebSocket ofRemoved = watch(server, removed, "");

            closing.finishClose();
            closing.close();
            resetting.reset();
            dropping.close();
            feeds.closeWatchers(removed, 1001, "source removed");
            untilClosed(ofRemoved);
            ofRemoved.close();

            // all four places free again: four new watchers get in, the fifth does not
            List<RawWebSocket> again = new ArrayList<>();
            try {
                for (int n = 0; n < 4; n++) {
                    again.add(watchOnceFree(server, id));
                }
                try (RawWebSocket extra = connect(server, 0).upgradeTo(target(id, ""))) {
                    assertBusy(extra);
                }
            } finally {
                for (RawWebSocket watcher : again) {
                    watcher.close();
                }
            }
        }
    }
}
