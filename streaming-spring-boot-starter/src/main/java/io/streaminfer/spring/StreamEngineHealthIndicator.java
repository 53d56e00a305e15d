package io.streaminfer.spring;

import io.streaminfer.core.StreamEngine;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import java.util.Optional;

/**
 * The engine's state for Spring Boot's health endpoint: UP while it serves, OUT_OF_SERVICE while
 * it drains, DOWN while it is not ready for another reason (pipeline workers stuck past the
 * pipeline timeout), with the reason and the session counts as details.
 */
public final class StreamEngineHealthIndicator implements HealthIndicator {

    private final StreamEngine engine;

    /** @param engine the engine to report on */
    public StreamEngineHealthIndicator(StreamEngine engine) {
        this.engine = engine;
    }

    @Override
    public Health health() {
        Optional<String> notReady = engine.notReadyReason();
        Health.Builder health = engine.isDraining() ? Health.outOfService()
                : notReady.isPresent() ? Health.down() : Health.up();
        notReady.ifPresent(reason -> health.withDetail("reason", reason));
        return health
                .withDetail("sessions", engine.activeSessions())
                .withDetail("maxSessions", engine.config().maxSessions())
                .withDetail("busyWorkers", engine.busyWorkers())
                .withDetail("stuckWorkers", engine.stuckWorkers())
                .build();
    }
}
