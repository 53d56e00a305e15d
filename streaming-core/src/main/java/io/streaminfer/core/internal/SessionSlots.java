package io.streaminfer.core.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The engine's session slots: at most {@code maxSessions} in all and, when {@code perClient} is
 * above 0, at most that many per client address. The global slot is taken when a handshake is
 * admitted (in arrival order; the client's address may not be known yet), the client's slot when
 * its session opens; both are given back when the session ends or its handshake is abandoned.
 * The engine keeps a second set for watchers of sources, taken and given back together.
 * Thread-safe.
 */
public final class SessionSlots {

    private final int maxSessions;
    private final int perClient;
    private final AtomicInteger taken = new AtomicInteger();
    private final ConcurrentHashMap<String, AtomicInteger> perAddress = new ConcurrentHashMap<>();

    /**
     * @param maxSessions slots in all
     * @param perClient   slots per client address, 0 for no cap
     */
    public SessionSlots(int maxSessions, int perClient) {
        this.maxSessions = maxSessions;
        this.perClient = perClient;
    }

    /** @return whether one of the {@code maxSessions} slots was taken */
    public boolean take() {
        if (taken.incrementAndGet() > maxSessions) {
            taken.decrementAndGet();
            return false;
        }
        return true;
    }

    /** Gives back a slot taken with {@link #take()}. */
    public void give() {
        taken.decrementAndGet();
    }

    /** @return whether {@code client} may open one more session (always, without a per-client cap) */
    public boolean takeForClient(String client) {
        if (perClient <= 0) {
            return true;
        }
        if (perAddress.computeIfAbsent(client, c -> new AtomicInteger()).incrementAndGet() > perClient) {
            giveForClient(client);
            return false;
        }
        return true;
    }

    /** Gives back a slot taken with {@link #takeForClient(String)}. */
    public void giveForClient(String client) {
        if (perClient > 0) {
            perAddress.computeIfPresent(client, (c, count) -> count.decrementAndGet() <= 0 ? null : count);
        }
    }

    /** @return slots taken now (open sessions and admitted handshakes) */
    public int taken() {
        return taken.get();
    }
}
