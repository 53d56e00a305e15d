package io.streaminfer.sinks;

/**
 * One event as it waits in a sink's queue: encoded on the publishing thread, so the caller's map
 * is not read again later.
 *
 * @param body  the event as UTF-8 JSON
 * @param route where the delivery sends it (an MQTT topic), or {@literal null} when it has one destination
 */
record QueuedEvent(byte[] body, String route) {
}
