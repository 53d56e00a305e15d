package io.streaminfer.sources;

import java.time.Instant;
import java.util.Locale;

/**
 * A source as {@code /sources} and the metrics report it: a snapshot. Counters run over the
 * source's life, across reconnects.
 *
 * @param id          the source's id
 * @param url         its URL as {@code Redaction.url} shows it: no password, path or query
 * @param pipelineId  its pipeline
 * @param fps         the most frames a second it sends to the pipeline
 * @param kind        how it is read
 * @param state       where it is now
 * @param since       when it entered that state
 * @param framesIn    frames read from the source
 * @param skipped     frames read but not sent to the pipeline because they came faster than {@code fps}
 * @param processed   frames the pipeline ran on
 * @param dropped     frames dropped by backpressure (the pipeline was busy: the newest frame won)
 * @param failed      frames the pipeline failed on
 * @param invalid     frames skipped because the engine would refuse them (not a JPEG, broken, too
 *                    large); never sent to the pipeline
 * @param connections connections that brought at least one frame
 * @param reconnects  attempts after the first one
 * @param backoffMillis the wait before the next attempt while in {@link State#BACKOFF}, else 0; it
 *                    doubles after each attempt that brought no frame, up to the longest wait
 * @param lastError   why the last connection ended or failed, for humans; empty when none did
 * @param lastErrorAt when that was, or {@literal null}
 * @param watchers    watchers connected now
 * @param lostByWatchers results watchers did not get because they were still busy with earlier ones
 */
public record SourceStatus(String id, String url, String pipelineId, double fps, SourceDefinition.Kind kind, State state,
                           Instant since, long framesIn, long skipped, long processed, long dropped, long failed,
                           long invalid, long connections, long reconnects, long backoffMillis, String lastError, Instant lastErrorAt, int watchers,
                           long lostByWatchers) {

    /** Where a source is in its life. */
    public enum State {
        /** Opening its session and its connection. */
        CONNECTING,
        /** Frames are coming in. */
        CONNECTED,
        /** Waiting before the next attempt, after a failure or the end of the stream. */
        BACKOFF,
        /** Removed, or the server is stopping. */
        STOPPED;

        /** @return the name the API uses */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** @return whether frames are coming in */
    public boolean connected() {
        return state == State.CONNECTED;
    }
}
