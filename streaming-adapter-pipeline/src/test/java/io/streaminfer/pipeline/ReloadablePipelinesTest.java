package io.streaminfer.pipeline;

import io.streaminfer.core.Frame;
import io.streaminfer.core.FrameProcessor;
import io.streaminfer.core.InferenceResult;
import io.streaminfer.core.PipelineInfo;
import io.streaminfer.core.PipelineRegistry;
import io.streaminfer.core.PipelineUnavailableException;
import io.streaminfer.tck.SampleFrames;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReloadablePipelinesTest {

    private static final byte[] JPEG = SampleFrames.coffee();

    /** A registry of fake pipelines, each answering {@code {"generation": N}}, that records what is open and closed. */
    private static final class FakeRegistry implements PipelineRegistry, AutoCloseable {
        final int generation;
        final Map<String, String> pipelines; // id -> unavailable reason, or "" when available
        final AtomicInteger openProcessors = new AtomicInteger();
        final AtomicInteger opened = new AtomicInteger();
        volatile boolean closed;
        volatile int openWhenClosed = -1;

        FakeRegistry(int generation, Map<String, String> pipelines) {
            this.generation = generation;
            this.pipelines = pipelines;
        }

        @Override
        public List<PipelineInfo> pipelines() {
            List<PipelineInfo> infos = new ArrayList<>();
            pipelines.forEach((id, why) -> infos.add(new PipelineInfo(id, List.of("fake"), why.isEmpty() ? null : why)));
            return infos;
        }

        @Override
        public FrameProcessor open(String pipelineId) throws PipelineUnavailableException {
            String why = pipelines.get(pipelineId);
            if (why == null || !why.isEmpty()) {
                throw new PipelineUnavailableException("not here");
            }
            opened.incrementAndGet();
            openProcessors.incrementAndGet();
            return new FrameProcessor() {
                @Override
                public InferenceResult process(Frame frame) {
                    return InferenceResult.of(Map.of("generation", generation));
                }

                @Override
                public void close() {
                    openProcessors.decrementAndGet();
                }
            };
        }

        @Override
        public void close() {
            openWhenClosed = openProcessors.get();
            closed = true;
        }
    }

    /** Hands out the registries it is given, one per build; a {@link RuntimeException} in the list is thrown instead. */
    private static final class Builds implements UnaryOperator<PipelineRegistry> {
        final List<Object> next = new ArrayList<>();
        final List<PipelineRegistry> previous = new ArrayList<>();

        Builds(Object... builds) {
            next.addAll(List.of(builds));
        }

        @Override
        public synchronized PipelineRegistry apply(PipelineRegistry replaced) {
            previous.add(replaced);
            Object build = next.remove(0);
            if (build instanceof RuntimeException e) {
                throw e;
            }
            return (PipelineRegistry) build;
        }
    }

    private static Object generationOf(FrameProcessor processor, long index) throws Exception {
        return processor.process(TestFrames.frame(JPEG, index)).fields().get("generation");
    }

    @Test
    @DisplayName("a running session moves to the new pipelines at its next frame, and the old ones close after it moved")
    void sessionsMoveAtAFrameBoundary() throws Exception {
        FakeRegistry first = new FakeRegistry(1, Map.of("p", ""));
        FakeRegistry second = new FakeRegistry(2, Map.of("p", ""));
        ReloadablePipelines pipelines = new ReloadablePipelines(new Builds(first, second), Runnable::run);
        FrameProcessor session = pipelines.open("p", "s1");
        assertThat(generationOf(session, 1)).isEqualTo(1);

        ReloadablePipelines.Loaded loaded = pipelines.reload();

        assertThat(loaded.generation()).isEqualTo(2);
        assertThat(first.closed).as("the old pipelines still serve the session until its next frame").isFalse();
        assertThat(generationOf(session, 2)).isEqualTo(2);
        assertThat(first.openProcessors).hasValue(0);
        assertThat(first.closed).isTrue();
        assertThat(first.openWhenClosed).isZero();
        assertThat(second.openProcessors).hasValue(1);
        session.close();
        assertThat(second.openProcessors).hasValue(0);
        assertThat(second.closed).as("the current generation stays open").isFalse();
    }

    @Test
    @DisplayName("the old generation closes only when the last of its processors has closed or moved over")
    void oldGenerationClosesAfterItsLastProcessor() throws Exception {
        FakeRegistry first = new FakeRegistry(1, Map.of("p", "", "q", ""));
        FakeRegistry second = new FakeRegistry(2, Map.of("p", "", "q", ""));
        ReloadablePipelines pipelines = new ReloadablePipelines(new Builds(first, second), Runnable::run);
        FrameProcessor moving = pipelines.open("p", "s1");
        FrameProcessor idle = pipelines.open("q", "s2");

        pipelines.reload();
        generationOf(moving, 1);

        assertThat(first.closed).as("s2 has not sent a frame since the reload").isFalse();
        idle.close();
        assertThat(first.closed).isTrue();
        assertThat(first.openWhenClosed).isZero();
        moving.close();
    }

    @Test
    @DisplayName("a generation released by a session's frame is closed by the closer, never on the pipeline worker")
    void releasedGenerationClosesOffTheWorker() throws Exception {
        FakeRegistry first = new FakeRegistry(1, Map.of("p", ""));
        FakeRegistry second = new FakeRegistry(2, Map.of("p", ""));
        List<Runnable> closings = new ArrayList<>();
        ReloadablePipelines pipelines = new ReloadablePipelines(new Builds(first, second), closings::add);
        FrameProcessor session = pipelines.open("p", "s1");
        pipelines.reload();

        generationOf(session, 1);

        assertThat(first.closed).isFalse();
        assertThat(closings).hasSize(1);
        closings.get(0).run();
        assertThat(first.closed).isTrue();
        session.close();
    }

    @Test
    @DisplayName("new sessions after the swap open the new pipelines; the list changes at once")
    void newSessionsGetTheNewPipelines() throws Exception {
        FakeRegistry first = new FakeRegistry(1, Map.of("p", ""));
        FakeRegistry second = new FakeRegistry(2, Map.of("p", "", "added", ""));
        ReloadablePipelines pipelines = new ReloadablePipelines(new Builds(first, second), Runnable::run);

        pipelines.reload();

        assertThat(pipelines.pipelines()).extracting(PipelineInfo::id).containsExactlyInAnyOrderElementsOf(second.pipelines.keySet());
        assertThat(pipelines.find("added")).isPresent();
        try (FrameProcessor session = pipelines.open("added", "s1")) {
            assertThat(generationOf(session, 1)).isEqualTo(2);
        }
        assertThat(first.closed).as("nothing was open on it").isTrue();
    }

    @Test
    @DisplayName("a session whose pipeline vanished or became unavailable stays on its old pipeline until it ends")
    void vanishedPipelineKeepsTheOldOne() throws Exception {
        FakeRegistry first = new FakeRegistry(1, Map.of("gone", "", "broken", ""));
        FakeRegistry second = new FakeRegistry(2, Map.of("broken", "model missing"));
        ReloadablePipelines pipelines = new ReloadablePipelines(new Builds(first, second), Runnable::run);
        FrameProcessor onGone = pipelines.open("gone", "s1");
        FrameProcessor onBroken = pipelines.open("broken", "s2");

        pipelines.reload();

        assertThat(generationOf(onGone, 1)).isEqualTo(1);
        assertThat(generationOf(onBroken, 1)).isEqualTo(1);
        assertThat(generationOf(onGone, 2)).isEqualTo(1);
        assertThat(second.opened).hasValue(0);
        assertThat(first.closed).isFalse();
        assertThatThrownBy(() -> pipelines.open("gone", "s3")).isInstanceOf(PipelineUnavailableException.class);
        onGone.close();
        assertThat(first.closed).isFalse();
        onBroken.close();
        assertThat(first.closed).isTrue();
    }

    @Test
    @DisplayName("a later reload that offers the pipeline again takes the waiting session over")
    void laterReloadTakesOver() throws Exception {
        FakeRegistry first = new FakeRegistry(1, Map.of("p", ""));
        FakeRegistry second = new FakeRegistry(2, Map.of("other", ""));
        FakeRegistry third = new FakeRegistry(3, Map.of("p", ""));
        ReloadablePipelines pipelines = new ReloadablePipelines(new Builds(first, second, third), Runnable::run);
        FrameProcessor session = pipelines.open("p", "s1");

        pipelines.reload();
        assertThat(generationOf(session, 1)).isEqualTo(1);
        pipelines.reload();

        assertThat(second.closed).as("no processor was ever open on generation 2").isTrue();
        assertThat(generationOf(session, 2)).isEqualTo(3);
        assertThat(first.closed).isTrue();
        session.close();
    }

    @Test
    @DisplayName("a failed build leaves the current pipelines serving, and says why")
    void failedBuildLeavesCurrent() throws Exception {
        FakeRegistry first = new FakeRegistry(1, Map.of("p", ""));
        ReloadablePipelines pipelines = new ReloadablePipelines(new Builds(first,
                new PipelineFileException("pipelines file x.json: pipeline 'p', step 1: unknown step 'nope'"),
                new IllegalStateException("boom")));
        FrameProcessor session = pipelines.open("p", "s1");

        assertThatThrownBy(pipelines::reload).isInstanceOf(PipelineFileException.class).hasMessageContaining("unknown step 'nope'");
        assertThatThrownBy(pipelines::reload).isInstanceOf(IllegalStateException.class);

        assertThat(pipelines.loaded().generation()).isEqualTo(1);
        assertThat(generationOf(session, 1)).isEqualTo(1);
        assertThat(first.closed).isFalse();
        try (FrameProcessor later = pipelines.open("p", "s2")) {
            assertThat(generationOf(later, 1)).isEqualTo(1);
        }
        session.close();
    }

    @Test
    @DisplayName("reloads run one at a time: each builds beside the generation the previous one made")
    void reloadsAreSerialized() throws Exception {
        CountDownLatch building = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger builds = new AtomicInteger();
        List<PipelineRegistry> replaced = java.util.Collections.synchronizedList(new ArrayList<>());
        ReloadablePipelines pipelines = new ReloadablePipelines(previous -> {
            replaced.add(previous);
            int number = builds.incrementAndGet();
            if (number > 1) {
                most.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
                building.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                concurrent.decrementAndGet();
            }
            return new FakeRegistry(number, Map.of("p", ""));
        });
        ExecutorService callers = Executors.newFixedThreadPool(2);
        try {
            Future<ReloadablePipelines.Loaded> a = callers.submit(pipelines::reload);
            assertThat(building.await(10, TimeUnit.SECONDS)).isTrue();
            Future<ReloadablePipelines.Loaded> b = callers.submit(pipelines::reload);
            release.countDown();

            assertThat(List.of(a.get(10, TimeUnit.SECONDS).generation(), b.get(10, TimeUnit.SECONDS).generation()))
                    .containsExactlyInAnyOrder(2L, 3L);
        } finally {
            callers.shutdownNow();
        }
        assertThat(most).hasValue(1);
        assertThat(pipelines.loaded().generation()).isEqualTo(3);
        assertThat(replaced).hasSize(3).doesNotHaveDuplicates();
    }

    @Test
    @DisplayName("close closes the current generation once its last processor has closed; reloads are refused after")
    void closeWaitsForTheLastProcessor() throws Exception {
        FakeRegistry first = new FakeRegistry(1, Map.of("p", ""));
        ReloadablePipelines pipelines = new ReloadablePipelines(new Builds(first), Runnable::run);
        FrameProcessor session = pipelines.open("p", "s1");

        pipelines.close();

        assertThat(first.closed).isFalse();
        assertThat(generationOf(session, 1)).isEqualTo(1);
        session.close();
        assertThat(first.closed).isTrue();
        assertThatThrownBy(pipelines::reload).isInstanceOf(IllegalStateException.class);
    }

    @Test
    @DisplayName("a pipelines file reloaded with new parameters: the running session's next result shows them")
    void reloadedFileChangesParameters(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pipelines.json");
        Files.writeString(file, "{\"stats\": {\"steps\": [{\"step\": \"image_stats\", \"under_level\": 0}]}}");
        ReloadablePipelines pipelines = ReloadablePipelines.of(file, PipelineOptions.ofDefaults());
        FrameProcessor session = pipelines.open("stats", "s1");
        assertThat(underexposed(session, 1)).isLessThan(1.0);

        Files.writeString(file, "{\"stats\": {\"steps\": [{\"step\": \"image_stats\", \"under_level\": 255}]}}");
        pipelines.reload();

        assertThat(underexposed(session, 2)).isEqualTo(1.0);
        Files.writeString(file, "{\"stats\": {\"steps\": [{\"step\": \"image_stats\", \"under_level\": 300}]}}");
        assertThatThrownBy(pipelines::reload).isInstanceOf(PipelineFileException.class).hasMessageContaining("under_level");
        assertThat(underexposed(session, 3)).isEqualTo(1.0);
        assertThat(pipelines.loaded().generation()).isEqualTo(2);
        session.close();
        pipelines.close();
    }

    private static double underexposed(FrameProcessor session, long index) throws Exception {
        Map<?, ?> stats = (Map<?, ?>) session.process(TestFrames.frame(JPEG, index)).fields().get("image_stats");
        return ((Number) stats.get("underexposed")).doubleValue();
    }
}
