package io.streaminfer.netty;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.streaminfer.protocol.JsonMessageCodec;
import io.streaminfer.core.SourceFeeds;
import io.streaminfer.core.StreamEngine;
import io.streaminfer.core.WatcherAdmission;

import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;

/**
 * One read-only watcher of a source at {@code /ws/sources/<id>}, as both sides see its connection.
 * To the feed it is a {@link SourceFeeds.WatcherChannel}: each message is written and flushed
 * at once and its {@code done} completed by the write's future, so a watcher that does not read
 * only delays its own callbacks (the feed keeps the newest result meanwhile) and nothing is queued
 * beyond the one message the feed hands over. To the frame handlers it is a {@link ConnectionInput}:
 * anything the watcher sends is refused with {@code invalid_message} and 1003, an RFC 6455 violation
 * closes with 1002, and the end of the connection cancels the subscription and gives back the
 * watcher's place in the engine's count ({@link StreamEngine#admitWatcher}).
 *
 * <p>Writes and closes run on the channel's event loop (the feed's calls move there), so that no
 * data frame follows our close frame; the subscription is touched there only.
 */
final class SourceWatcher implements SourceFeeds.WatcherChannel, ConnectionInput {

    /** A watcher may send nothing: every binary message is refused from its header, unread. */
    static final long LARGEST_MESSAGE = 0;

    private static final String READ_ONLY = JsonMessageCodec.errorText("invalid_message", "watchers are read-only: send nothing");
    private static final int PROTOCOL_ERROR = 1002;
    private static final int CANNOT_ACCEPT = 1003;
    private static final int POLICY_VIOLATION = 1008;

    private final StreamConnection connection;
    private SourceFeeds.Subscription subscription;
    /** The watcher's place in the engine's count, held until the connection ends. */
    private WatcherAdmission admission = WatcherAdmission.none();
    private boolean ended;

    SourceWatcher(StreamConnection connection) {
        this.connection = connection;
    }

    /**
     * Takes a watcher's place from the engine and subscribes to the source; past the engine's
     * watcher caps, tells the watcher {@code server_busy} and closes with 1013; for an unknown
     * source, {@code invalid_source} and 1008. Called on the event loop once the connection is upgraded.
     */
    void watch(SourceFeeds feeds, StreamEngine engine, String client, String sourceId, boolean frames) {
        if (ended || !connection.channel().isActive()) {
            return; // gone before the upgrade completed: no place to hold, nothing would give it back
        }
        WatcherAdmission place = engine.admitWatcher(client);
        if (!place.admitted()) {
            refuse(JsonMessageCodec.errorText(place.refusal().wireName(), place.detail()), place.closeCode(), "server busy");
            return;
        }
        admission = place;
        Optional<SourceFeeds.Subscription> watching = feeds.watch(sourceId, frames, this);
        if (watching.isEmpty()) {
            refuse(JsonMessageCodec.errorText("invalid_source", feeds.unknownSourceDetail(sourceId)), POLICY_VIOLATION, "unknown source");
        } else if (ended || connection.closeSent()) {
            watching.get().cancel(); // closed while subscribing
        } else {
            subscription = watching.get();
        }
    }

    @Override
    public void sendText(String json, Runnable done) {
        onEventLoop(() -> write(new TextWebSocketFrame(ByteBufUtil.writeUtf8(connection.channel().alloc(), json)), done), done);
    }

    @Override
    public void sendBinary(byte[] jpeg, Runnable done) {
        onEventLoop(() -> write(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(jpeg)), done), done);
    }

    @Override
    public void close(int code, String reason) {
        onEventLoop(() -> {
            cancel();
            connection.close(code, reason);
        }, () -> { });
    }

    private void onEventLoop(Runnable task, Runnable stopped) {
        EventLoop loop = connection.channel().eventLoop();
        if (loop.inEventLoop()) {
            task.run();
            return;
        }
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) { // the server stopped: the connection is gone
            stopped.run();
        }
    }

    /** Writes the frame, or, once the connection is closed or our close frame queued, releases it. */
    private void write(WebSocketFrame frame, Runnable done) {
        Channel channel = connection.channel();
        if (!channel.isActive() || connection.closeSent()) {
            frame.release();
            done.run();
            return;
        }
        channel.writeAndFlush(frame).addListener(written -> done.run());
    }

    @Override
    public void onBinaryMessage(byte[] data) {
        refuse(READ_ONLY, CANNOT_ACCEPT, "watchers are read-only");
    }

    @Override
    public void onTextMessage(String text) {
        refuse(READ_ONLY, CANNOT_ACCEPT, "watchers are read-only");
    }

    @Override
    public void onFrameTooLarge(long declaredBytes) {
        refuse(READ_ONLY, CANNOT_ACCEPT, "watchers are read-only");
    }

    @Override
    public void onFrameSkipped(long declaredBytes) {
        refuse(READ_ONLY, CANNOT_ACCEPT, "watchers are read-only");
    }

    @Override
    public void onProtocolViolation(String reason) {
        cancel();
        connection.close(PROTOCOL_ERROR, reason);
    }

    @Override
    public void onTransportClosed(int closeCode) {
        ended = true;
        cancel();
        admission.release();
    }

    /** One error message, then our close frame; on the event loop. */
    private void refuse(String json, int code, String reason) {
        cancel();
        Channel channel = connection.channel();
        if (!channel.isActive() || connection.closeSent()) {
            return;
        }
        channel.writeAndFlush(new TextWebSocketFrame(ByteBufUtil.writeUtf8(channel.alloc(), json)));
        connection.close(code, reason);
    }

    private void cancel() {
        SourceFeeds.Subscription current = subscription;
        subscription = null;
        if (current != null) {
            current.cancel();
        }
    }
}
