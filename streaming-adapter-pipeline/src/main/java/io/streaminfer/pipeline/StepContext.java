package io.streaminfer.pipeline;

import io.streaminfer.core.Detection;

import java.util.List;
import java.util.Map;

/**
 * What a step sees of its run besides the frame.
 *
 * @param found   the detections of the steps before it on this frame, in order
 * @param session notes the steps of one session's pipeline leave each other, kept across its
 *                frames (as {@code track} leaves the ids it removed for {@code zones}); used by
 *                one thread at a time, like the steps
 */
record StepContext(List<Detection> found, Map<String, Object> session) {
}
