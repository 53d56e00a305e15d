package io.streaminfer.core;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The engine's verdict on a watcher of a source ({@code /ws/sources/<id>}), taken with
 * {@link StreamEngine#admitWatcher(String)} once the transport knows the client's address. An
 * admitted watcher holds one of the engine's watcher places ({@link StreamConfig#maxWatchers()} in
 * all, {@link StreamConfig#maxWatchersPerClient()} per client address) until the transport
 * {@linkplain #release() releases} it, when the connection ends, whoever ended it.
 *
 * <p>A refused watcher is told the error as a session past {@link StreamConfig#maxSessions()} is:
 * {@code {"error": "server_busy", "detail": ...}}, then close {@link #closeCode()} (1013). Thread-safe.
 */
public final class WatcherAdmission {

    private static final WatcherAdmission ALREADY_RELEASED = new WatcherAdmission(null, () -> { });

    private final String detail;
    private final Runnable release;
    private final AtomicBoolean released = new AtomicBoolean();

    private WatcherAdmission(String detail, Runnable release) {
        this.detail = detail;
        this.release = release;
    }

    static WatcherAdmission admitted(Runnable release) {
        return new WatcherAdmission(null, Objects.requireNonNull(release, "release"));
    }

    static WatcherAdmission refused(String detail) {
        return new WatcherAdmission(Objects.requireNonNull(detail, "detail"), () -> { });
    }

    /** @return an admission that holds nothing, for a connection that never took a place; never {@literal null} */
    public static WatcherAdmission none() {
        return ALREADY_RELEASED;
    }

    /** @return whether a watcher place is held for this connection */
    public boolean admitted() {
        return detail == null;
    }

    /** @return why the watcher is refused ({@link ErrorCode#SERVER_BUSY}), {@literal null} when admitted */
    public ErrorCode refusal() {
        return admitted() ? null : ErrorCode.SERVER_BUSY;
    }

    /** @return the refusal's sentence for the client, {@literal null} when admitted */
    public String detail() {
        return detail;
    }

    /** @return the close code after the refusal's error message: 1013 (try again later) */
    public int closeCode() {
        return ErrorCode.SERVER_BUSY.closeCode();
    }

    /** Gives the watcher's place back: the connection ended. Idempotent; does nothing for a refusal. */
    public void release() {
        if (released.compareAndSet(false, true)) {
            release.run();
        }
    }

    @Override
    public String toString() {
        return admitted() ? "WatcherAdmission[admitted]" : "WatcherAdmission[refused server_busy]";
    }
}
