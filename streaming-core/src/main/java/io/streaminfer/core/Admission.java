package io.streaminfer.core;

import java.util.Objects;

/**
 * The engine's verdict on a handshake, taken with {@link StreamEngine#admit} when the
 * transport accepts the handshake, so that sessions are admitted in arrival order: the
 * (N+1)th handshake is the one refused. An admitted handshake holds a session slot until the
 * transport {@linkplain StreamEngine#open(Admission, OutboundChannel) opens} its session or
 * {@linkplain #cancel() cancels} it (a handshake that never completes); an admission that is
 * neither opened nor cancelled gives its slot back by itself after
 * {@link StreamEngine#RESERVATION_TIMEOUT}.
 *
 * <p>A refused admission still becomes a session through {@code open}: the client is told the
 * error in a WebSocket message and the connection is closed with its close code, as the
 * protocol requires. A transport that can answer the handshake with an HTTP status should
 * refuse {@linkplain #draining() draining} admissions with 503 and {@code Retry-After} instead.
 */
public final class Admission {

    private final String pipelineId;
    private final StreamMode mode;
    private final ErrorCode refusal;
    private final String detail;
    private final int closeCode;
    private final boolean draining;
    private final Runnable release;
    private final long expiresNanos;
    private boolean settled;

    private Admission(String pipelineId, StreamMode mode, ErrorCode refusal, String detail,
                      int closeCode, boolean draining, Runnable release, long expiresNanos) {
        this.pipelineId = pipelineId;
        this.mode = mode;
        this.refusal = refusal;
        this.detail = detail;
        this.closeCode = closeCode;
        this.draining = draining;
        this.release = release;
        this.expiresNanos = expiresNanos;
    }

    static Admission admitted(String pipelineId, StreamMode mode, Runnable release, long expiresNanos) {
        return new Admission(pipelineId, mode, null, null, 0, false, release, expiresNanos);
    }

    static Admission refused(String pipelineId, ErrorCode code, String detail, int closeCode, boolean draining) {
        return new Admission(pipelineId, StreamMode.REALTIME, Objects.requireNonNull(code), detail, closeCode,
                draining, () -> { }, Long.MAX_VALUE);
    }

    /** @return whether a session slot is held for this handshake */
    public boolean admitted() {
        return refusal == null;
    }

    /** @return why the handshake is refused, {@literal null} when admitted */
    public ErrorCode refusal() {
        return refusal;
    }

    /** @return a sentence for the client, {@literal null} when admitted */
    public String detail() {
        return detail;
    }

    /** @return the close code that follows the refusal, 0 when admitted */
    public int closeCode() {
        return closeCode;
    }

    /**
     * @return whether the refusal is because the server is shutting down: a transport that can
     *         should answer the handshake with HTTP 503 and {@code Retry-After}
     */
    public boolean draining() {
        return draining;
    }

    /** @return the requested pipeline id, possibly {@literal null} */
    public String pipelineId() {
        return pipelineId;
    }

    /** @return the requested mode, never {@literal null} */
    public StreamMode mode() {
        return mode;
    }

    /**
     * Gives the slot back when the handshake does not complete. Does nothing once the admission
     * was opened, cancelled or expired, or when it was refused. Thread-safe.
     */
    public void cancel() {
        settle();
    }

    /** @return whether this call took the slot over (not yet opened, cancelled or expired) */
    synchronized boolean claim() {
        if (settled) {
            return false;
        }
        settled = true;
        return true;
    }

    /** Releases the slot unless it was claimed or released before. */
    void settle() {
        boolean release;
        synchronized (this) {
            release = !settled && refusal == null;
            settled = true;
        }
        if (release) {
            this.release.run();
        }
    }

    /** @return whether it was opened, cancelled or expired */
    synchronized boolean settled() {
        return settled;
    }

    /** @return whether the slot went unclaimed past its time */
    boolean expired(long now) {
        return now - expiresNanos > 0;
    }

    @Override
    public String toString() {
        return admitted() ? "Admission[admitted " + pipelineId + "]"
                : "Admission[refused " + refusal.wireName() + "]";
    }
}
