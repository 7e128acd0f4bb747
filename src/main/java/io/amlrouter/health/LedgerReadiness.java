package io.amlrouter.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.amlrouter.ledger.LedgerConfig;
import io.amlrouter.ledger.LedgerStoreMonitor;

/**
 * DOWN while the ledger store is unreachable or outcomes of finished actions wait in memory to be written
 * (docs/reliability.md, "Redis outage"): such a replica answers every delivery 503 anyway, and Event Grid
 * retries a 503 as it retries a refused connection. The data say since when, why, and how many outcomes wait.
 */
@Readiness
@ApplicationScoped
public class LedgerReadiness implements HealthCheck {

    private final LedgerStoreMonitor monitor;
    private final LedgerConfig config;

    public LedgerReadiness(LedgerStoreMonitor monitor, LedgerConfig config) {
        this.monitor = monitor;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        int unwritten = monitor.unwrittenOutcomes();
        HealthCheckResponseBuilder check = HealthCheckResponse.named("ledger")
                .withData("store", config.store().name().toLowerCase(java.util.Locale.ROOT))
                .withData("unwrittenOutcomes", unwritten);
        monitor.outage().ifPresent(o -> check.withData("unreachableSince", o.since().toString())
                .withData("cause", o.cause()));
        return check.status(monitor.outage().isEmpty() && unwritten == 0).build();
    }
}
