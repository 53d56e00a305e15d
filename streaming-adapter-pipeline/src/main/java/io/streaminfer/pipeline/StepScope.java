package io.streaminfer.pipeline;

/**
 * Where one per-session step instance runs.
 *
 * @param pipelineId the pipeline's id
 * @param sessionId  the session's id, as the engine names it ({@code "-"} when the registry was
 *                   opened without one)
 * @param telemetry  the registry's counters
 * @param publisher  sends the session's events and results to the pipeline's sinks
 */
record StepScope(String pipelineId, String sessionId, PipelineTelemetry telemetry, EventPublisher publisher) {
}
