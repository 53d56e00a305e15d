package io.streaminfer.core;

import java.util.ArrayList;
import java.util.List;

/** Records what the engine sends; completes every send at once unless told to hold them. */
final class RecordingChannel implements OutboundChannel {

    private final List<ServerMessage> messages = new ArrayList<>();
    private final List<SendCallback> held = new ArrayList<>();
    private boolean holdSends;
    private int closeCode;
    private String closeReason;
    private int closes;

    @Override
    public synchronized void send(ServerMessage message, SendCallback callback) {
        if (closes > 0) {
            throw new AssertionError("send after close: " + message);
        }
        messages.add(message);
        if (holdSends) {
            held.add(callback);
        } else {
            callback.succeeded();
        }
    }

    @Override
    public synchronized void close(int code, String reason) {
        closes++;
        closeCode = code;
        closeReason = reason;
    }

    /** Completes the oldest held send; returns false when none is held. */
    boolean completeOldest(boolean ok) {
        SendCallback callback;
        synchronized (this) {
            if (held.isEmpty()) {
                return false;
            }
            callback = held.remove(0);
        }
        if (ok) {
            callback.succeeded();
        } else {
            callback.failed(new java.io.IOException("connection reset"));
        }
        return true;
    }

    synchronized RecordingChannel holdSends() {
        holdSends = true;
        return this;
    }

    synchronized List<ServerMessage> messages() {
        return List.copyOf(messages);
    }

    synchronized int closeCode() {
        return closeCode;
    }

    synchronized String closeReason() {
        return closeReason;
    }

    synchronized int closes() {
        return closes;
    }

    synchronized <T extends ServerMessage> List<T> messages(Class<T> type) {
        return messages.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
