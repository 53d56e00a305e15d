package io.streaminfer.app;

import io.streaminfer.core.ErrorCode;
import io.streaminfer.core.PipelineException;
import io.streaminfer.core.SessionStats;
import io.streaminfer.core.StreamListener;
import io.streaminfer.core.StreamSession;
import io.streaminfer.protocol.Redaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Logs the session events operators care about, each as one event with its fields as key-value
 * pairs (top-level fields of the JSON line): {@code stream_connect}, {@code stream_refused},
 * {@code stream_disconnect} with the session's totals, {@code slow_down} and
 * {@code pipeline_error}; per-frame events only at debug. Values a client chose are stripped of
 * control characters and shortened, so that a client cannot forge text log lines. A refused
 * connection's {@code pipeline_id} is logged only when it names a pipeline the server offers;
 * any other is shown as {@value Redaction#MASK} with its length: a client that sends its token
 * as the pipeline id (a mangled URL, a swapped field) must not put the token in the log.
 */
final class LoggingStreamListener implements StreamListener {

    private static final Logger LOG = LoggerFactory.getLogger("io.streaminfer.sessions");
    private static final int MAX_VALUE_LENGTH = 80;
    private static final Pattern CREDENTIAL = Pattern.compile("(?i)(access_token|token|password|secret)=[^&\\s]*");

    private final Predicate<String> offered;

    /** @param offered whether a pipeline id names a pipeline of the registry (ids that do are logged as they are) */
    LoggingStreamListener(Predicate<String> offered) {
        this.offered = offered;
    }

    @Override
    public void sessionOpened(StreamSession session) {
        LOG.atInfo().setMessage("stream_connect")
                .addKeyValue("event", "stream_connect")
                .addKeyValue("session_id", session.id())
                .addKeyValue("pipeline_id", safe(session.pipelineId()))
                .addKeyValue("remote", safe(session.remoteAddress()))
                .log();
    }

    @Override
    public void sessionRefused(ErrorCode code, String pipelineId, String remote) {
        LoggingEventBuilder refused = LOG.atInfo().setMessage("stream_refused")
                .addKeyValue("event", "stream_refused")
                .addKeyValue("code", code.wireName());
        if (pipelineId == null || pipelineId.isEmpty() || offered.test(pipelineId)) {
            refused.addKeyValue("pipeline_id", safe(pipelineId));
        } else { // not one of ours: whatever the client sent, possibly a secret; its shape is enough to debug with
            refused.addKeyValue("pipeline_id", Redaction.MASK).addKeyValue("pipeline_id_length", pipelineId.length());
        }
        refused.addKeyValue("remote", safe(remote)).log();
    }

    @Override
    public void sessionClosed(StreamSession session, int closeCode) {
        SessionStats s = session.stats();
        LOG.atInfo().setMessage("stream_disconnect")
                .addKeyValue("event", "stream_disconnect")
                .addKeyValue("session_id", s.sessionId())
                .addKeyValue("pipeline_id", safe(s.pipelineId()))
                .addKeyValue("close_code", closeCode)
                .addKeyValue("duration_s", Math.round(s.ageNanos() / 1e7) / 100.0)
                .addKeyValue("received", s.received())
                .addKeyValue("processed", s.processed())
                .addKeyValue("dropped", s.dropped())
                .addKeyValue("failed", s.failed())
                .addKeyValue("unanswered", s.unanswered())
                .addKeyValue("slow_downs", s.slowDowns())
                .addKeyValue("pipeline_ms_p50", s.pipelineMillisP50())
                .log();
    }

    @Override
    public void slowDown(StreamSession session, double dropRate, double recommendedFps) {
        LOG.atInfo().setMessage("slow_down")
                .addKeyValue("event", "slow_down")
                .addKeyValue("session_id", session.id())
                .addKeyValue("drop_rate", dropRate)
                .addKeyValue("recommended_fps", recommendedFps)
                .log();
    }

    @Override
    public void frameFailed(StreamSession session, long frameIndex, Throwable cause) {
        LOG.atWarn().setMessage("pipeline_error")
                .addKeyValue("event", "pipeline_error")
                .addKeyValue("session_id", session.id())
                .addKeyValue("pipeline_id", safe(session.pipelineId()))
                .addKeyValue("step", cause instanceof PipelineException failure ? failure.step().orElse("-") : "-")
                .addKeyValue("frame_index", frameIndex)
                .addKeyValue("error", safe(String.valueOf(cause)))
                .setCause(LOG.isDebugEnabled() ? cause : null)
                .log();
    }

    @Override
    public void frameProcessed(StreamSession session, long frameIndex, long pipelineNanos, long latencyNanos) {
        if (LOG.isDebugEnabled()) {
            LOG.atDebug().setMessage("frame_processed")
                    .addKeyValue("event", "frame_processed")
                    .addKeyValue("session_id", session.id())
                    .addKeyValue("frame_index", frameIndex)
                    .addKeyValue("pipeline_ms", pipelineNanos / 1e6)
                    .addKeyValue("latency_ms", latencyNanos / 1e6)
                    .log();
        }
    }

    @Override
    public void frameDropped(StreamSession session, long frameIndex) {
        if (LOG.isDebugEnabled()) {
            LOG.atDebug().setMessage("frame_dropped")
                    .addKeyValue("event", "frame_dropped")
                    .addKeyValue("session_id", session.id())
                    .addKeyValue("frame_index", frameIndex)
                    .log();
        }
    }

    /**
     * A client-chosen value as it may be logged: printable, bounded, and with anything that looks
     * like a credential ({@code access_token=...}, from a mangled query string) redacted.
     */
    static String safe(String value) {
        if (value == null) {
            return "-";
        }
        String redacted = CREDENTIAL.matcher(value).replaceAll("$1=[redacted]");
        StringBuilder out = new StringBuilder();
        redacted.codePoints().limit(MAX_VALUE_LENGTH)
                .forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        if (redacted.codePointCount(0, redacted.length()) > MAX_VALUE_LENGTH) {
            out.append("...");
        }
        return out.toString();
    }
}
