package io.streaminfer.sinks;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventQueueTest {

    private static QueuedEvent event(int n) {
        return new QueuedEvent(("" + n).getBytes(StandardCharsets.UTF_8), null);
    }

    private static int number(QueuedEvent event) {
        return Integer.parseInt(new String(event.body(), StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("A full queue evicts its oldest event for a new one")
    void dropsOldest() throws InterruptedException {
        EventQueue queue = new EventQueue(3);
        assertThat(queue.offer(event(1))).isEqualTo(EventQueue.Offer.QUEUED);
        queue.offer(event(2));
        queue.offer(event(3));

        assertThat(queue.offer(event(4))).isEqualTo(EventQueue.Offer.QUEUED_EVICTING_OLDEST);

        assertThat(queue.length()).isEqualTo(3);
        assertThat(number(queue.beginAttempt())).isEqualTo(2);
    }

    @Test
    @DisplayName("The event being sent is never evicted; a failed one waiting for its retry is evicted first")
    void headIsHeldOnlyDuringAnAttempt() throws InterruptedException {
        EventQueue queue = new EventQueue(2);
        queue.offer(event(1));
        assertThat(number(queue.beginAttempt())).isEqualTo(1);
        queue.offer(event(2));
        queue.offer(event(3));

        assertThat(queue.offer(event(4))).isEqualTo(EventQueue.Offer.QUEUED_EVICTING_OLDEST); // 2 goes, 1 is on the wire
        assertThat(queue.length()).isEqualTo(3);

        queue.endAttempt(false); // 1 failed and waits for its retry
        assertThat(queue.offer(event(5))).isEqualTo(EventQueue.Offer.QUEUED_EVICTING_OLDEST); // now 1 goes

        assertThat(number(queue.beginAttempt())).isEqualTo(3);
        queue.endAttempt(true);
        assertThat(number(queue.beginAttempt())).isEqualTo(4);
        queue.endAttempt(true);
        assertThat(number(queue.beginAttempt())).isEqualTo(5);
    }

    @Test
    @DisplayName("A queue of one still holds the event being sent and the newest one")
    void capacityOne() throws InterruptedException {
        EventQueue queue = new EventQueue(1);
        queue.offer(event(1));
        queue.beginAttempt();
        queue.offer(event(2));

        assertThat(queue.offer(event(3))).isEqualTo(EventQueue.Offer.QUEUED_EVICTING_OLDEST);

        queue.endAttempt(true);
        assertThat(number(queue.beginAttempt())).isEqualTo(3);
    }

    @Test
    @DisplayName("A closed queue refuses events, wakes the sender and ends a pause early")
    void close() throws InterruptedException {
        EventQueue queue = new EventQueue(10);
        queue.offer(event(1));
        queue.offer(event(2));

        queue.close();

        assertThat(queue.offer(event(3))).isEqualTo(EventQueue.Offer.REFUSED);
        assertThat(queue.beginAttempt()).isNull();
        assertThat(queue.pause(Duration.ofDays(1))).isFalse();
        assertThat(queue.drain()).isEqualTo(2);
        assertThat(queue.length()).isZero();
    }

    @Test
    @DisplayName("A capacity below one is refused")
    void capacityBelowOne() {
        assertThatThrownBy(() -> new EventQueue(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
