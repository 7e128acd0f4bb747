package io.amlrouter.ledger;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;

/**
 * {@code ledger.events}: the events the outcome ledger holds now. Read when the metrics are scraped:
 * the in-memory store answers at once; the Redis store's answer (a {@code ZCARD}) arrives later, so a
 * scrape shows the value read at the previous one. No scrape ever waits for Redis.
 */
@Startup
@ApplicationScoped
public class LedgerMetrics {

    private final OutcomeLedger ledger;
    private final AtomicLong last = new AtomicLong();
    private final AtomicBoolean reading = new AtomicBoolean();

    public LedgerMetrics(OutcomeLedger ledger, MeterRegistry registry) {
        this.ledger = ledger;
        Gauge.builder("ledger.events", this, LedgerMetrics::read)
                .description("Events the outcome ledger holds (in memory: this replica's; Redis: the shared index)")
                .register(registry);
    }

    private double read() {
        if (reading.compareAndSet(false, true)) {
            ledger.size().subscribe().with(n -> {
                last.set(n);
                reading.set(false);
            }, failure -> reading.set(false));
        }
        return last.get();
    }
}
