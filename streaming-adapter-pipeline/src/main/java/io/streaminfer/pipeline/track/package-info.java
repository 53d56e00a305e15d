/**
 * Identities across frames and what they do in named places: a per-session multi-object
 * tracker with ByteTrack's association ({@link io.streaminfer.pipeline.track.ByteTracker}) and
 * a judge of zones and counting lines ({@link io.streaminfer.pipeline.track.ZoneJudge}).
 *
 * <p>Both are pure computations, no I/O, one instance per session, called from one thread at a
 * time with the frames in order. Time comes from the caller (the frames' arrival times in
 * nanoseconds of a monotonic clock), never from the system clock, so frames dropped by
 * backpressure show up as longer gaps and tests drive time by hand.
 */
package io.streaminfer.pipeline.track;
