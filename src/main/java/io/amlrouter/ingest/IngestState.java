package io.amlrouter.ingest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;

/**
 * Whether the webhook takes new deliveries. It stops on shutdown, so a terminating pod answers 503
 * (Event Grid retries elsewhere) while the work in flight finishes.
 */
@ApplicationScoped
public class IngestState {

    private static final Logger LOG = Logger.getLogger(IngestState.class);

    private volatile boolean accepting = true;

    public boolean accepting() {
        return accepting;
    }

    void onShutdown(@Observes ShutdownEvent event) {
        accepting = false;
        LOG.info("Shutting down: new deliveries are refused with 503; work in flight is finishing");
    }
}
