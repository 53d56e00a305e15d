package io.streaminfer.core;

/** How hard backpressure is working on a session, from its windowed drop rate. */
public enum BackpressureState {
    /** The drop rate is below the drop threshold (or the window is not full yet). */
    NORMAL,
    /** The drop rate is at or above the drop threshold. */
    WARNING,
    /** The drop rate is at or above the slow-down threshold: the client is told to slow down. */
    CRITICAL
}
