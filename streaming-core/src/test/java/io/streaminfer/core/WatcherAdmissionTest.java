package io.streaminfer.core;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The engine's watcher places: {@code maxWatchers} in all, {@code maxWatchersPerClient} per client address. */
class WatcherAdmissionTest {

    private final List<StreamEngine> engines = new ArrayList<>();

    @AfterEach
    void closeEngines() {
        engines.forEach(StreamEngine::close);
    }

    private StreamEngine engine(int maxWatchers, int perClient) {
        StreamEngine engine = StreamEngine.builder(PipelineRegistry.of(Map.of()))
                .config(StreamConfig.builder().maxWatchers(maxWatchers).maxWatchersPerClient(perClient).build())
                .executor(Runnable::run).build();
        engines.add(engine);
        return engine;
    }

    @Test
    @DisplayName("past maxWatchers in all, the next watcher is refused with server_busy and 1013, whatever its address")
    void totalCap() {
        StreamEngine engine = engine(3, 0);
        List<WatcherAdmission> admitted = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            admitted.add(engine.admitWatcher("10.0.0." + i));
        }

        WatcherAdmission fourth = engine.admitWatcher("10.0.0.4");

        assertThat(admitted).allMatch(WatcherAdmission::admitted);
        assertThat(fourth.admitted()).isFalse();
        assertThat(fourth.refusal()).isEqualTo(ErrorCode.SERVER_BUSY);
        assertThat(fourth.closeCode()).isEqualTo(1013);
        assertThat(fourth.detail()).contains("limit of 3 watchers").doesNotContain("10.0.0");
        assertThat(engine.watchers()).isEqualTo(3);
    }

    @Test
    @DisplayName("past maxWatchersPerClient from one address, its next watcher is refused; other addresses still get in")
    void perClientCap() {
        StreamEngine engine = engine(10, 2);
        assertThat(engine.admitWatcher("10.0.0.1").admitted()).isTrue();
        assertThat(engine.admitWatcher("10.0.0.1").admitted()).isTrue();

        WatcherAdmission third = engine.admitWatcher("10.0.0.1");

        assertThat(third.admitted()).isFalse();
        assertThat(third.refusal()).isEqualTo(ErrorCode.SERVER_BUSY);
        assertThat(third.detail()).contains("2 watchers open, the limit per client");
        assertThat(engine.admitWatcher("10.0.0.2").admitted()).as("another address").isTrue();
        assertThat(engine.watchers()).as("the refusal holds no place").isEqualTo(3);
    }

    @Test
    @DisplayName("a watcher that leaves frees its place, in all and for its address, once however often it is released")
    void releaseFreesThePlace() {
        StreamEngine engine = engine(2, 1);
        WatcherAdmission first = engine.admitWatcher("10.0.0.1");
        WatcherAdmission second = engine.admitWatcher("10.0.0.2");
        assertThat(engine.admitWatcher("10.0.0.1").admitted()).isFalse();

        first.release();
        first.release(); // the transport may see the end of a connection twice (an error, then the close)

        assertThat(engine.watchers()).isEqualTo(1);
        WatcherAdmission again = engine.admitWatcher("10.0.0.1");
        assertThat(again.admitted()).as("the same address, after its watcher left").isTrue();
        assertThat(engine.admitWatcher("10.0.0.3").admitted()).as("both places taken again").isFalse();
        again.release();
        second.release();
        assertThat(engine.watchers()).isZero();
    }

    @Test
    @DisplayName("releasing a refusal gives back nothing it did not take")
    void refusalReleasesNothing() {
        StreamEngine engine = engine(1, 0);
        WatcherAdmission held = engine.admitWatcher("10.0.0.1");
        WatcherAdmission refused = engine.admitWatcher("10.0.0.2");

        refused.release();

        assertThat(engine.watchers()).isEqualTo(1);
        assertThat(engine.admitWatcher("10.0.0.3").admitted()).isFalse();
        held.release();
        assertThat(engine.watchers()).isZero();
    }

    @Test
    @DisplayName("an unknown address is one client: watchers without an address share the per-client cap")
    void unknownAddress() {
        StreamEngine engine = engine(10, 1);
        assertThat(engine.admitWatcher(null).admitted()).isTrue();
        assertThat(engine.admitWatcher(" ").admitted()).isFalse();
    }

    @Test
    @DisplayName("the defaults: 256 watchers in all, 16 per client address")
    void defaults() {
        StreamConfig config = StreamConfig.ofDefaults();
        assertThat(config.maxWatchers()).isEqualTo(256);
        assertThat(config.maxWatchersPerClient()).isEqualTo(16);
    }
}
