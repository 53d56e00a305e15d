package io.streaminfer.pipeline;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class CpuPermitsTest {

    @Test
    @DisplayName("a run never holds more than the cores, and releasing twice gives back once")
    void boundedAndReleasedOnce() throws Exception {
        CpuPermits cores = new CpuPermits(2);

        CpuPermits.Held all = cores.acquire(8);
        assertThat(all.count()).isEqualTo(2);
        assertThat(cores.tryAcquire(1)).isNull();
        all.close();
        all.close();

        assertThat(cores.available()).isEqualTo(2);
    }

    @Test
    @DisplayName("however many workers ask at once, the threads computing never outnumber the cores")
    void workersShareTheCores() throws Exception {
        CpuPermits cores = new CpuPermits(2);
        AtomicInteger busy = new AtomicInteger();
        AtomicInteger mostBusy = new AtomicInteger();
        AtomicInteger together = new AtomicInteger();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < 6; w++) {
            Thread worker = new Thread(() -> {
                for (int i = 0; i < 100; i++) {
                    int threads = ThreadLocalRandom.current().nextInt(1, 3);
                    CpuPermits.Held wide = threads > 1 ? cores.tryAcquire(threads) : null;
                    try (CpuPermits.Held held = wide != null ? wide : cores.acquire(1)) {
                        int now = busy.addAndGet(held.count());
                        mostBusy.accumulateAndGet(now, Math::max);
                        if (now > held.count()) {
                            together.incrementAndGet();
                        }
                        Thread.sleep(1); // the run
                        busy.addAndGet(-held.count());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            });
            worker.start();
            workers.add(worker);
        }
        for (Thread worker : workers) {
            worker.join();
        }

        assertThat(mostBusy.get()).isEqualTo(2);
        assertThat(together.get()).as("one-thread runs went side by side").isPositive();
        assertThat(cores.available()).isEqualTo(2);
    }
}
