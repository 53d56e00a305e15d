package io.streaminfer.core.internal;

import io.streaminfer.core.BackpressureState;
import io.streaminfer.core.SessionStats;
import io.streaminfer.core.StreamSession;

/** A connection the engine refused at open: it was told why and closed; input is ignored. */
public final class RefusedSession implements StreamSession {

    private final String id;
    private final String pipelineId;
    private final String remoteAddress;
    private final int closeCode;

    /**
     * @param id            an id for logs
     * @param pipelineId    the requested pipeline id, possibly {@literal null}
     * @param remoteAddress the client's address
     * @param closeCode     the close code it got
     */
    public RefusedSession(String id, String pipelineId, String remoteAddress, int closeCode) {
        this.id = id;
        this.pipelineId = pipelineId == null ? "" : pipelineId;
        this.remoteAddress = remoteAddress;
        this.closeCode = closeCode;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String pipelineId() {
        return pipelineId;
    }

    @Override
    public String remoteAddress() {
        return remoteAddress == null ? "unknown" : remoteAddress;
    }

    @Override
    public void onBinaryMessage(byte[] data) {
        // refused: the connection is closing and nothing it sends is processed
    }

    @Override
    public void onTextMessage(String text) {
        // refused: the connection is closing and nothing it sends is processed
    }

    @Override
    public void onFrameTooLarge(long declaredBytes) {
        // refused: the connection is closing and nothing it sends is processed
    }

    @Override
    public void onFrameSkipped(long declaredBytes) {
        // refused: the connection is closing and nothing it sends is processed
    }

    @Override
    public void onProtocolViolation(String reason) {
        // refused: the connection is closing and nothing it sends is processed
    }

    @Override
    public void onTransportClosed(int code) {
        // nothing was opened, so nothing is released
    }

    @Override
    public boolean isClosed() {
        return true;
    }

    @Override
    public SessionStats stats() {
        return new SessionStats(id, pipelineId, remoteAddress, 0, 0, 0, 0, 0, 0, 0.0,
                BackpressureState.NORMAL, 0.0, 0.0, 0.0, 0.0, 0, closeCode);
    }
}
