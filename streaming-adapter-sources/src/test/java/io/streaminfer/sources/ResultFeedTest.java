package io.streaminfer.sources;

import io.streaminfer.core.SourceFeeds;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ResultFeedTest {

    /** A watcher's connection whose sends complete only when the test says so. */
    private static final class HeldChannel implements SourceFeeds.WatcherChannel {
        final List<String> sent = new ArrayList<>();
        final List<Runnable> pending = new ArrayList<>();
        int closedWith;

        @Override
        public void sendText(String json, Runnable done) {
            sent.add(json);
            pending.add(done);
        }

        @Override
        public void sendBinary(byte[] jpeg, Runnable done) {
            sent.add("jpeg:" + jpeg.length);
            pending.add(done);
        }

        @Override
        public void close(int code, String reason) {
            closedWith = code;
        }

        void completeOne() {
            pending.remove(0).run();
        }
    }

    @Test
    @DisplayName("a busy watcher keeps only the newest result behind the one in flight; the others are counted as lost")
    void newestWins() {
        ResultFeed feed = new ResultFeed();
        HeldChannel slow = new HeldChannel();
        feed.subscribe(false, slow);
        for (int i = 1; i <= 5; i++) {
            feed.publish("r" + i, null, i == 1);
        }
        assertThat(slow.sent).containsExactly("r1");
        slow.completeOne();
        assertThat(slow.sent).containsExactly("r1", "r5");
        assertThat(feed.lost()).isEqualTo(3);
        slow.completeOne();
        feed.publish("r6", null, false);
        assertThat(slow.sent).containsExactly("r1", "r5", "r6");
    }

    @Test
    @DisplayName("a watcher that asked for frames has one message in its channel at a time, each frame right before its result; the newest result waits as a pair")
    void framesGoOutInPairs() {
        ResultFeed feed = new ResultFeed();
        HeldChannel channel = new HeldChannel();
        feed.subscribe(true, channel);
        feed.publish("r1", new byte[1], true);
        feed.publish("r2", new byte[2], false);
        feed.publish("r3", null, false);
        feed.publish("r4", new byte[4], false);
        assertThat(channel.sent).containsExactly("jpeg:1");
        channel.completeOne();
        assertThat(channel.sent).containsExactly("jpeg:1", "r1");
        channel.completeOne();
        channel.completeOne();
        channel.completeOne();
        assertThat(channel.sent).containsExactly("jpeg:1", "r1", "jpeg:4", "r4");
        assertThat(channel.pending).isEmpty();
        assertThat(feed.lost()).isEqualTo(2);
    }

    @Test
    @DisplayName("a watcher cancelled while a result waits gets nothing more once its send in flight completes")
    void cancelledWhileBusy() {
        ResultFeed feed = new ResultFeed();
        HeldChannel channel = new HeldChannel();
        SourceFeeds.Subscription subscription = feed.subscribe(false, channel);
        feed.publish("r1", null, true);
        feed.publish("r2", null, false);
        subscription.cancel();
        channel.completeOne();
        feed.publish("r3", null, false);
        assertThat(channel.sent).containsExactly("r1");
        assertThat(channel.pending).isEmpty();
    }

    @Test
    @DisplayName("one watcher's unfinished send never holds back another watcher")
    void watchersAreIndependent() {
        ResultFeed feed = new ResultFeed();
        HeldChannel stuck = new HeldChannel();
        List<String> quick = new ArrayList<>();
        feed.subscribe(false, stuck);
        feed.subscribe(false, new SourceFeeds.WatcherChannel() {
            @Override
            public void sendText(String json, Runnable done) {
                quick.add(json);
                done.run();
            }

            @Override
            public void sendBinary(byte[] jpeg, Runnable done) {
                done.run();
            }

            @Override
            public void close(int code, String reason) {
            }
        });
        for (int i = 1; i <= 100; i++) {
            feed.publish("r" + i, null, i == 1);
        }
        assertThat(quick).hasSize(100);
        assertThat(stuck.sent).containsExactly("r1");
    }

    @Test
    @DisplayName("a watcher that asked for frames gets the JPEG and then its result; a late watcher first gets the session's first result (it carries the zones to draw)")
    void framesAndTheOpeningResult() {
        ResultFeed feed = new ResultFeed();
        feed.publish("{\"frame_index\":1,\"geometry\":1}", new byte[10], true);
        feed.publish("{\"frame_index\":2}", new byte[20], false);
        HeldChannel late = new HeldChannel();
        feed.subscribe(true, late);
        assertThat(late.sent).containsExactly("jpeg:10");
        late.completeOne();
        assertThat(late.sent).containsExactly("jpeg:10", "{\"frame_index\":1,\"geometry\":1}");
        feed.sessionEnded();
        HeldChannel later = new HeldChannel();
        feed.subscribe(false, later);
        assertThat(later.sent).as("a new session has no opening result yet").isEmpty();
    }

    @Test
    @DisplayName("closing the feed closes every watcher with the code; a cancelled watcher gets nothing more")
    void closeAndCancel() {
        ResultFeed feed = new ResultFeed();
        HeldChannel kept = new HeldChannel();
        HeldChannel cancelled = new HeldChannel();
        feed.subscribe(false, kept);
        feed.subscribe(false, cancelled).cancel();
        feed.publish("r1", null, true);
        assertThat(cancelled.sent).isEmpty();
        assertThat(feed.watchers()).isEqualTo(1);
        feed.closeAll(1001, "the source was removed");
        assertThat(kept.closedWith).isEqualTo(1001);
        assertThat(feed.watchers()).isZero();
    }
}
