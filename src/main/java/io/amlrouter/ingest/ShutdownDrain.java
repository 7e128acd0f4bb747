package io.amlrouter.ingest;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;

/**
 * Lets the actions in flight finish before the service stops. Quarkus drains the HTTP requests in
 * flight first ({@code quarkus.shutdown.timeout}); an action can outlive its request (the request was
 * answered 503 at the deadline and the action goes on), so this waits, within the same budget counted
 * from the start of shutdown, until no event is in flight. The ledger (Redis client) and the mailer
 * are still open here: shutdown observers run before the extensions close their clients. Actions still
 * running when the budget is spent are settled right after this by the action hand-off, which observes the
 * shutdown itself at the next priority ({@code routing.ActionHandOff#settleCutActions}), so their claims do not make
 * the redeliveries wait for the lease.
 */
@ApplicationScoped
class ShutdownDrain {

    private static final Logger LOG = Logger.getLogger(ShutdownDrain.class);

    private final IngestState state;
    private final EventPublisher publisher;
    private final Optional<Duration> budget;

    ShutdownDrain(IngestState state, EventPublisher publisher,
            @ConfigProperty(name = "quarkus.shutdown.timeout") Optional<Duration> budget) {
        this.state = state;
        this.publisher = publisher;
        this.budget = budget;
    }

    void onShutdown(@Observes @Priority(Interceptor.Priority.APPLICATION + 600) ShutdownEvent event) {
        LOG.infof("Stopping: %d event(s) in flight", publisher.inFlight());
        if (publisher.inFlight() > 0 && budget.isPresent()) {
            drain();
        }
    }

    private void drain() {
        Instant until = state.stoppingSince().orElseGet(Instant::now).plus(budget.get());
        LOG.infof("Waiting up to %s for %d event(s) in flight to finish their actions",
                Duration.between(Instant.now(), until).withNanos(0), publisher.inFlight());
        while (publisher.inFlight() > 0 && Instant.now().isBefore(until)) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (publisher.inFlight() > 0) {
            LOG.warnf("Stopping with %d event(s) still in flight: their deliveries were not answered 2xx, so "
                    + "Event Grid redelivers them and the ledger runs only what is still owed", publisher.inFlight());
        } else {
            LOG.info("All events in flight finished");
        }
    }
}
