package io.streaminfer.app;

import io.streaminfer.core.ErrorCode;
import io.streaminfer.core.SessionStats;
import io.streaminfer.core.StreamListener;
import io.streaminfer.core.StreamSession;

import java.lang.System.Logger.Level;
import java.util.Locale;

/**
 * Logs the session events operators care about, one line each, as {@code event key=value...}:
 * {@code stream_connect}, {@code stream_refused}, {@code stream_disconnect} with the session's
 * totals, {@code slow_down} and {@code pipeline_error}. Client-supplied values are quoted and
 * stripped of control characters so that a client cannot forge log lines.
 */
final class LoggingStreamListener implements StreamListener {

    private static final System.Logger LOG = System.getLogger("io.streaminfer.sessions");
    private static final int MAX_VALUE_LENGTH = 80;

    @Override
    public void sessionOpened(StreamSession session) {
        SessionStats stats = session.stats();
        LOG.log(Level.INFO, () -> "stream_connect session_id=" + session.id() + " pipeline_id=" + safe(session.pipelineId())
                + " remote=" + safe(stats.remoteAddress()));
    }

    @Override
    public void sessionRefused(ErrorCode code, String pipelineId, String remote) {
        LOG.log(Level.INFO, () -> "stream_refused code=" + code.wireName() + " pipeline_id=" + safe(pipelineId)
                + " remote=" + safe(remote));
    }

    @Override
    public void sessionClosed(StreamSession session, int closeCode) {
        SessionStats s = session.stats();
        LOG.log(Level.INFO, () -> String.format(Locale.ROOT,
                "stream_disconnect session_id=%s pipeline_id=%s close_code=%d duration_s=%.1f received=%d processed=%d"
                        + " dropped=%d failed=%d unanswered=%d slow_downs=%d pipeline_ms_ewma=%.1f",
                s.sessionId(), safe(s.pipelineId()), closeCode, s.ageNanos() / 1e9, s.received(), s.processed(),
                s.dropped(), s.failed(), s.unanswered(), s.slowDowns(), s.pipelineMillisEwma()));
    }

    @Override
    public void slowDown(StreamSession session, double dropRate, double recommendedFps) {
        LOG.log(Level.INFO, () -> String.format(Locale.ROOT, "slow_down session_id=%s drop_rate=%.3f recommended_fps=%.1f",
                session.id(), dropRate, recommendedFps));
    }

    @Override
    public void frameFailed(StreamSession session, long frameIndex, Throwable cause) {
        LOG.log(Level.WARNING, () -> "pipeline_error session_id=" + session.id() + " pipeline_id=" + safe(session.pipelineId())
                + " frame_index=" + frameIndex + " error=" + safe(String.valueOf(cause)));
    }

    static String safe(String value) {
        if (value == null) {
            return "-";
        }
        StringBuilder out = new StringBuilder("\"");
        value.codePoints().limit(MAX_VALUE_LENGTH).forEach(c -> {
            if (c == '"' || c == '\\') {
                out.append('\\').appendCodePoint(c);
            } else if (Character.isISOControl(c)) {
                out.append('?');
            } else {
                out.appendCodePoint(c);
            }
        });
        if (value.codePointCount(0, value.length()) > MAX_VALUE_LENGTH) {
            out.append("...");
        }
        return out.append('"').toString();
    }
}
