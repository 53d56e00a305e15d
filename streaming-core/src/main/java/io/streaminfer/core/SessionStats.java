package io.streaminfer.core;

/**
 * A consistent snapshot of one session's counters and backpressure state.
 *
 * @param sessionId          the session's id
 * @param pipelineId         the pipeline it runs
 * @param remoteAddress      the client's address as the transport reported it
 * @param ageNanos           time since the session opened
 * @param received           binary messages received (frame indexes handed out)
 * @param processed          frames answered with a result
 * @param dropped            frames answered as dropped
 * @param failed             frames answered with {@code pipeline_failure}
 * @param unanswered         frames still waiting when the client went away
 * @param dropRate           dropped share of the last answered frames (the rate window)
 * @param state              backpressure state
 * @param pipelineMillisEwma exponentially weighted mean pipeline time, in milliseconds
 * @param pipelineMillisP50  median pipeline time over the last results (the rate window), 0 before any
 * @param pipelineMillisP99  99th percentile of the same, 0 before any
 * @param recommendedFps     the rate this session's pipeline sustains now (0 before any result)
 * @param slowDowns          slow-down warnings sent
 * @param closeCode          the close code once closed, 0 while open
 */
public record SessionStats(
        String sessionId,
        String pipelineId,
        String remoteAddress,
        long ageNanos,
        long received,
        long processed,
        long dropped,
        long failed,
        long unanswered,
        double dropRate,
        BackpressureState state,
        double pipelineMillisEwma,
        double pipelineMillisP50,
        double pipelineMillisP99,
        double recommendedFps,
        long slowDowns,
        int closeCode) {
}
