package io.streaminfer.core.internal;

import io.streaminfer.core.internal.SessionLifecycle.CloseStep;
import io.streaminfer.core.internal.SessionLifecycle.Phase;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Every transition of the session's state machine and what it asks the caller to do. */
class SessionLifecycleTest {

    private final SessionLifecycle state = new SessionLifecycle();

    private void startPipeline() {
        assertThat(state.schedule(true)).isTrue();
        assertThat(state.workerStarted(true)).isTrue();
    }

    @Nested
    @DisplayName("while open")
    class Open {

        @Test
        @DisplayName("one worker task at a time: a second schedule while one is queued is refused")
        void oneTaskAtATime() {
            assertThat(state.schedule(true)).isTrue();
            assertThat(state.schedule(true)).isFalse();
            assertThat(state.schedule(false)).isFalse();
        }

        @Test
        @DisplayName("nothing waiting: nothing is scheduled")
        void nothingToSchedule() {
            assertThat(state.schedule(false)).isFalse();
        }

        @Test
        @DisplayName("a worker that finds no frame ends its task and lets the next schedule through")
        void workerWithoutFrame() {
            assertThat(state.schedule(true)).isTrue();
            assertThat(state.workerStarted(false)).isFalse();
            assertThat(state.schedule(true)).isTrue();
        }

        @Test
        @DisplayName("a returning pipeline answers its frame and runs again when frames wait")
        void returnAnswersAndRunsAgain() {
            startPipeline();
            SessionLifecycle.Returned returned = state.pipelineReturned(true);
            assertThat(returned).isEqualTo(new SessionLifecycle.Returned(true, false, false, false, true));
        }

        @Test
        @DisplayName("a rejected task frees the schedule")
        void rejectedTask() {
            assertThat(state.schedule(true)).isTrue();
            state.scheduleRejected();
            assertThat(state.schedule(true)).isTrue();
        }

        @Test
        @DisplayName("a timed-out frame is answered once; the pipeline's late return answers nothing")
        void timeout() {
            startPipeline();
            assertThat(state.pipelineTimedOut()).isTrue();
            assertThat(state.pipelineTimedOut()).isFalse();
            assertThat(state.isStuck()).isTrue();
            SessionLifecycle.Returned returned = state.pipelineReturned(false);
            assertThat(returned.answer()).isFalse();
            assertThat(returned.unanswered()).isFalse();
            assertThat(state.isStuck()).isFalse();
        }
    }

    @Nested
    @DisplayName("closing")
    class Closing {

        @Test
        @DisplayName("with an idle pipeline the close goes out at once, once")
        void idleCloseNow() {
            assertThat(state.beginClose(1003, "invalid_message")).isEqualTo(CloseStep.CLOSE_NOW);
            assertThat(state.beginClose(1001, "again")).isEqualTo(CloseStep.NONE);
            assertThat(state.closeCode()).isEqualTo(1003);
            assertThat(state.phase()).isEqualTo(Phase.CLOSING);
        }

        @Test
        @DisplayName("with a frame in the pipeline the close waits for its answer")
        void waitsForPipeline() {
            startPipeline();
            assertThat(state.beginClose(1001, "idle")).isEqualTo(CloseStep.AFTER_PIPELINE);
            SessionLifecycle.Returned returned = state.pipelineReturned(false);
            assertThat(returned.answer()).isTrue();
            assertThat(returned.closeNow()).isTrue();
            assertThat(returned.runAgain()).isFalse();
        }

        @Test
        @DisplayName("a hung pipeline holds the close only until the timeout; its late return answers nothing")
        void timeoutReleasesTheClose() {
            startPipeline();
            assertThat(state.beginClose(1003, "invalid_message")).isEqualTo(CloseStep.AFTER_PIPELINE);
            assertThat(state.closeAfterTimeout()).isFalse();
            assertThat(state.pipelineTimedOut()).isTrue();
            assertThat(state.closeAfterTimeout()).isTrue();
            assertThat(state.closed(1003)).isTrue();
            SessionLifecycle.Returned late = state.pipelineReturned(false);
            assertThat(late).isEqualTo(new SessionLifecycle.Returned(false, false, false, true, false));
        }

        @Test
        @DisplayName("a close that starts after the timeout goes out at once")
        void closeAfterTimeoutIsImmediate() {
            startPipeline();
            state.pipelineTimedOut();
            assertThat(state.beginClose(1001, "idle")).isEqualTo(CloseStep.CLOSE_NOW);
        }

        @Test
        @DisplayName("forcing keeps the first close code and reports whether anything was left to close")
        void force() {
            state.beginClose(1003, "invalid_message");
            assertThat(state.forceClose(1008, "slow_consumer")).isTrue();
            assertThat(state.closeCode()).isEqualTo(1003);
            state.closed(1003);
            assertThat(state.forceClose(1001, "shutdown")).isFalse();
        }
    }

    @Nested
    @DisplayName("closed")
    class Closed {

        @Test
        @DisplayName("the end is reported once, with the transport's code when nobody closed before")
        void closedOnce() {
            assertThat(state.closed(1006)).isTrue();
            assertThat(state.closed(1000)).isFalse();
            assertThat(state.closeCode()).isEqualTo(1006);
        }

        @Test
        @DisplayName("an idle processor is closed once; a busy one when its frame returns, unanswered")
        void processorClose() {
            startPipeline();
            state.closed(1006);
            assertThat(state.processorToClose()).isFalse();
            SessionLifecycle.Returned returned = state.pipelineReturned(true);
            assertThat(returned.answer()).isFalse();
            assertThat(returned.unanswered()).isTrue();
            assertThat(returned.closeProcessor()).isTrue();
            assertThat(returned.runAgain()).isFalse();
            assertThat(state.processorToClose()).isFalse();
        }

        @Test
        @DisplayName("nothing is scheduled or started any more")
        void nothingRuns() {
            state.closed(1000);
            assertThat(state.schedule(true)).isFalse();
            assertThat(state.workerStarted(true)).isFalse();
            assertThat(state.processorToClose()).isTrue();
            assertThat(state.pipelineTimedOut()).isFalse();
        }
    }
}
