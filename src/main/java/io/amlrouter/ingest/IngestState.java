package io.amlrouter.ingest;

import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;

/**
 * Whether the webhook takes new deliveries. It stops as soon as shutdown begins (SIGTERM): Quarkus'
 * pre-shutdown phase ({@code quarkus.shutdown.delay-enabled}) fires before the HTTP requests in flight
 * are drained, so from then on a new delivery is answered 503 (Event Grid delivers it to another
 * replica, or later) and readiness is down, while the work in flight finishes ({@link ShutdownDrain}).
 */
@ApplicationScoped
public class IngestState {

    private static final Logger LOG = Logger.getLogger(IngestState.class);

    private volatile Instant stoppingSince;

    public boolean accepting() {
        return stoppingSince == null;
    }

    /** When shutdown began, if it did. */
    public Optional<Instant> stoppingSince() {
        return Optional.ofNullable(stoppingSince);
    }

    void onPreShutdown(@Observes ShutdownDelayInitiatedEvent event) {
        stop();
    }

    void onShutdown(@Observes ShutdownEvent event) {
        stop();
    }

    private synchronized void stop() {
        if (stoppingSince == null) {
            stoppingSince = Instant.now();
            LOG.info("Shutting down: new deliveries are refused with 503; work in flight is finishing");
        }
    }
}
