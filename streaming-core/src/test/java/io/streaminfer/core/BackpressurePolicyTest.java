package io.streaminfer.core;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackpressurePolicyTest {

    private static Frame frame(long index) {
        return new Frame(index, new byte[] {1}, new FrameInfo(1, 1, 1), 0);
    }

    @Test
    void latestFrameWinsDropsTheOldestWaitingFrame() {
        FrameQueue queue = BackpressurePolicy.latestFrameWins(1).newQueue();

        assertThat(queue.offer(frame(1))).isEmpty();
        assertThat(queue.offer(frame(2))).extracting(Frame::index).containsExactly(1L);
        assertThat(queue.offer(frame(3))).extracting(Frame::index).containsExactly(2L);
        assertThat(queue.poll().index()).isEqualTo(3);
        assertThat(queue.poll()).isNull();
    }

    @Test
    void latestFrameWinsKeepsTheNewestDepthFramesInOrder() {
        FrameQueue queue = BackpressurePolicy.latestFrameWins(3).newQueue();
        for (long i = 1; i <= 5; i++) {
            queue.offer(frame(i));
        }

        assertThat(queue.size()).isEqualTo(3);
        assertThat(List.of(queue.poll(), queue.poll(), queue.poll())).extracting(Frame::index).containsExactly(3L, 4L, 5L);
    }

    @Test
    void boundedFifoDropsTheArrivingFrameWhenFull() {
        FrameQueue queue = BackpressurePolicy.boundedFifo(2).newQueue();
        queue.offer(frame(1));
        queue.offer(frame(2));

        assertThat(queue.offer(frame(3))).extracting(Frame::index).containsExactly(3L);
        assertThat(queue.drain()).extracting(Frame::index).containsExactly(1L, 2L);
        assertThat(queue.size()).isZero();
    }

    @Test
    void depthBelowOneIsRefused() {
        assertThatThrownBy(() -> BackpressurePolicy.latestFrameWins(0)).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> BackpressurePolicy.boundedFifo(-1)).hasMessageContaining("at least 1");
    }
}
