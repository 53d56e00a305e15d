package io.streaminfer.app;

import io.streaminfer.tck.SampleFrames;
import io.streaminfer.protocol.StreamAnswer;
import io.streaminfer.tyrus.StreamClient;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * N camera-paced sessions against a server for a while: what became of the frames (answers, drops,
 * results out of frame order, sessions whose last frame got no result), heap growth, and, for the
 * log only, throughput and latency by thirds.
 */
final class SoakRun implements Callable<SoakRun.Result> {

    record Result(long sent, long answered, long unanswered, long errors, long results, long dropped,
                  long resultsOutOfOrder, long sessionsWhoseLastFrameHadNoResult, double resultsPerSecond,
                  double firstThirdP50Millis, double lastThirdP50Millis, long heapGrowthBytes) {
    }

    /** One camera's counters: the next frame index it sends and the last frame it got a result for. */
    private record Camera(AtomicLong next, AtomicLong lastResult) {
    }

    private final StreamingServer server;
    private final int sessions;
    private final int fps;
    private final Duration run;

    SoakRun(StreamingServer server, int sessions, int fps, Duration run) {
        this.server = server;
        this.sessions = sessions;
        this.fps = fps;
        this.run = run;
    }

    @Override
    public Result call() throws Exception {
        byte[] frame = SampleFrames.qrScene();
        long heapBefore = usedHeapAfterGc();
        AtomicLong sent = new AtomicLong();
        AtomicLong answered = new AtomicLong();
        AtomicLong results = new AtomicLong();
        AtomicLong dropped = new AtomicLong();
        AtomicLong outOfOrder = new AtomicLong();
        List<Camera> cameraCounters = new ArrayList<>();
        AtomicInteger errors = new AtomicInteger();
        List<long[]> latencies = Collections.synchronizedList(new ArrayList<>()); // {sentAt, latency}
        long start = System.nanoTime();
        ScheduledExecutorService cameras = Executors.newScheduledThreadPool(4);
        List<StreamClient.Stream> streams = new ArrayList<>();
        try (StreamClient client = StreamClient.create(URI.create("ws://127.0.0.1:" + server.port()))) {
            for (int s = 0; s < sessions; s++) {
                Map<Long, Long> sentAt = new ConcurrentHashMap<>();
                AtomicLong next = new AtomicLong(1);
                AtomicLong lastResult = new AtomicLong();
                cameraCounters.add(new Camera(next, lastResult));
                StreamClient.Stream stream = client.open("delay", answer -> {
                    if (answer.answersFrame()) {
                        answered.incrementAndGet();
                    }
                    if (answer.kind() == StreamAnswer.Kind.RESULT) {
                        results.incrementAndGet();
                        if (answer.frameIndex() <= lastResult.getAndSet(answer.frameIndex())) {
                            outOfOrder.incrementAndGet();
                        }
                        Long at = sentAt.remove(answer.frameIndex());
                        if (at != null) {
                            latencies.add(new long[] {at - start, System.nanoTime() - at});
                        }
                    } else if (answer.kind() == StreamAnswer.Kind.DROPPED) {
                        dropped.incrementAndGet();
                        sentAt.remove(answer.frameIndex());
                    } else if (answer.kind() == StreamAnswer.Kind.ERROR) {
                        errors.incrementAndGet();
                    }
                });
                streams.add(stream);
                cameras.scheduleAtFixedRate(() -> {
                    if (System.nanoTime() - start > run.toNanos()) {
                        return;
                    }
                    sentAt.put(next.getAndIncrement(), System.nanoTime());
                    if (stream.trySend(frame)) {
                        sent.incrementAndGet();
                    } else {
                        errors.incrementAndGet();
                    }
                }, s * 3L, 1_000_000L / fps, TimeUnit.MICROSECONDS);
            }
            try {
                org.awaitility.Awaitility.await().atMost(run.plusSeconds(10)).pollInterval(Duration.ofMillis(50))
                        .until(() -> System.nanoTime() - start > run.toNanos());
                cameras.shutdown();
                if (!cameras.awaitTermination(10, TimeUnit.SECONDS)) { // a send under way when the run ended
                    errors.incrementAndGet();
                }
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                        .until(() -> answered.get() >= sent.get());
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                errors.incrementAndGet(); // answers still missing: reported as unanswered below
            }
            cameras.shutdownNow();
            for (StreamClient.Stream stream : streams) {
                stream.close();
            }
        }
        long heapAfter = usedHeapAfterGc();
        double seconds = run.toNanos() / 1e9;
        long third = run.toNanos() / 3;
        long lastFrameWithoutResult = cameraCounters.stream()
                .filter(camera -> camera.lastResult().get() != camera.next().get() - 1).count();
        return new Result(sent.get(), answered.get(), sent.get() - answered.get(), errors.get(), results.get(),
                dropped.get(), outOfOrder.get(), lastFrameWithoutResult, results.get() / seconds,
                p50(latencies, 0, third), p50(latencies, 2 * third, Long.MAX_VALUE), heapAfter - heapBefore);
    }

    private static double p50(List<long[]> latencies, long from, long to) {
        List<Long> values = new ArrayList<>();
        synchronized (latencies) {
            for (long[] sample : latencies) {
                if (sample[0] >= from && sample[0] < to) {
                    values.add(sample[1]);
                }
            }
        }
        if (values.isEmpty()) {
            return 0;
        }
        values.sort(Long::compare);
        return values.get(values.size() / 2) / 1e6;
    }

    /** The least used heap over a few full collections: what is really retained. */
    static long usedHeapAfterGc() {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            least = Math.min(least, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return least;
    }
}
