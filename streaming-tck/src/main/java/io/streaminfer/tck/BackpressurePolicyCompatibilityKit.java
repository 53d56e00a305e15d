package io.streaminfer.tck;

import io.streaminfer.core.BackpressurePolicy;
import io.streaminfer.core.Frame;
import io.streaminfer.core.FrameInfo;
import io.streaminfer.core.FrameQueue;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract every {@link BackpressurePolicy} keeps, whatever it drops. Subclass it, return
 * your policy from {@link #policy(int)}, and run it with JUnit 5.
 */
public abstract class BackpressurePolicyCompatibilityKit {

    /**
     * @param depth how many frames may wait
     * @return the policy under test
     */
    protected abstract BackpressurePolicy policy(int depth);

    /**
     * @param index a frame index
     * @return a small frame with that index
     */
    protected static Frame frame(long index) {
        return new Frame(index, new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xD9}, new FrameInfo(1, 1, 4), index);
    }

    @Test
    @DisplayName("a new queue is empty")
    void newQueueIsEmpty() {
        FrameQueue queue = policy(1).newQueue();

        assertThat(queue.size()).isZero();
        assertThat(queue.poll()).isNull();
        assertThat(queue.drain()).isEmpty();
    }

    @Test
    @DisplayName("each session gets its own queue")
    void queuesAreIndependent() {
        BackpressurePolicy policy = policy(2);
        FrameQueue first = policy.newQueue();
        FrameQueue second = policy.newQueue();

        first.offer(frame(1));

        assertThat(second.size()).isZero();
    }

    @Test
    @DisplayName("a frame offered to an empty queue waits and is polled")
    void offeredFrameIsPolled() {
        FrameQueue queue = policy(1).newQueue();

        assertThat(queue.offer(frame(1))).isEmpty();
        assertThat(queue.size()).isEqualTo(1);
        assertThat(queue.poll().index()).isEqualTo(1);
    }

    @Test
    @DisplayName("never more than depth frames wait")
    void neverHoldsMoreThanDepth() {
        for (int depth = 1; depth <= 4; depth++) {
            FrameQueue queue = policy(depth).newQueue();
            for (long i = 1; i <= 20; i++) {
                queue.offer(frame(i));
                assertThat(queue.size()).as("depth %d after frame %d", depth, i).isLessThanOrEqualTo(depth);
            }
        }
    }

    @Test
    @DisplayName("every offered frame leaves exactly once: dropped, polled or drained")
    void everyFrameLeavesExactlyOnce() {
        Random random = new Random(7);
        FrameQueue queue = policy(3).newQueue();
        List<Long> left = new ArrayList<>();
        for (long i = 1; i <= 1000; i++) {
            queue.offer(frame(i)).forEach(f -> left.add(f.index()));
            if (random.nextInt(4) == 0) {
                Frame polled = queue.poll();
                if (polled != null) {
                    left.add(polled.index());
                }
            }
        }
        queue.drain().forEach(f -> left.add(f.index()));

        assertThat(left).hasSize(1000).doesNotHaveDuplicates();
        assertThat(queue.size()).isZero();
    }

    @Test
    @DisplayName("polled frames come out in increasing index order")
    void pollsInIndexOrder() {
        FrameQueue queue = policy(3).newQueue();
        List<Long> polled = new ArrayList<>();
        for (long i = 1; i <= 50; i++) {
            queue.offer(frame(i));
            if (i % 3 == 0) {
                polled.add(queue.poll().index());
            }
        }
        Frame next;
        while ((next = queue.poll()) != null) {
            polled.add(next.index());
        }

        assertThat(polled).isSorted().doesNotHaveDuplicates();
    }

    @Test
    @DisplayName("dropped frames are reported oldest first")
    void droppedOldestFirst() {
        FrameQueue queue = policy(1).newQueue();
        List<Long> dropped = new ArrayList<>();
        for (long i = 1; i <= 10; i++) {
            queue.offer(frame(i)).forEach(f -> dropped.add(f.index()));
        }

        assertThat(dropped).isSorted().hasSize(9);
    }
}
