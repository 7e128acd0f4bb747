package io.amlrouter.ledger;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.ConnectionPoolTooBusyException;

/**
 * What the router knows of its ledger store's health, from the store's answers: an outage begins with
 * the first failed command (one WARN line, {@code ledger_store_outages_total}) and ends with the first
 * command that was sent after it began and succeeded (one INFO line). A command refused because the
 * connection pool's wait queue is full is not an outage: it is counted
 * ({@code ledger_store_pool_exhausted_total}) and logged at most once per {@link #POOL_LOG_INTERVAL} with
 * the number refused. Also holds the number of outcomes kept in memory until they can be written
 * ({@code ledger_outcomes_unwritten}), which the readiness check reports.
 */
@ApplicationScoped
public class LedgerStoreMonitor {

    private static final Logger LOG = Logger.getLogger(LedgerStoreMonitor.class);

    static final Duration POOL_LOG_INTERVAL = Duration.ofSeconds(10);
    /** How often a store found unreachable is asked again while nothing else asks it. */
    static final Duration PROBE_INTERVAL = Duration.ofSeconds(1);

    /** An outage: since when (wall clock and {@link System#nanoTime()}) and its first cause. */
    public record Outage(Instant since, long sinceNanos, String cause) {
    }

    private final AtomicReference<Outage> outage = new AtomicReference<>();
    private final AtomicInteger unwritten = new AtomicInteger();
    private final AtomicLong poolRefusedSinceLine = new AtomicLong();
    private final AtomicLong lastPoolLine = new AtomicLong(System.nanoTime() - POOL_LOG_INTERVAL.toNanos());
    private volatile Supplier<Uni<?>> probe;
    private final Counter outages;
    private final Counter poolExhausted;
    private final Counter abandoned;

    public LedgerStoreMonitor(MeterRegistry registry) {
        outages = Counter.builder("ledger.store.outages")
                .description("Times the ledger store (Redis) became unreachable: a failed command after a successful one")
                .register(registry);
        poolExhausted = Counter.builder("ledger.store.pool.exhausted")
                .description("Ledger commands refused because the Redis connection pool's wait queue was full")
                .register(registry);
        abandoned = Counter.builder("ledger.outcomes.abandoned")
                .description("Outcomes that could not be written within the claim lease (the action may run again)")
                .register(registry);
        Gauge.builder("ledger.outcomes.unwritten", unwritten, AtomicInteger::get)
                .description("Outcomes of finished actions kept in memory until the ledger store takes them")
                .register(registry);
    }

    /** The call, observed: its failure may begin an outage, its success (if sent after the outage began) ends it. */
    public <T> Uni<T> observe(Uni<T> call) {
        return Uni.createFrom().deferred(() -> {
            long sent = System.nanoTime();
            return call.onItem().invoke(() -> succeeded(sent)).onFailure().invoke(this::failed);
        });
    }

    /**
     * The cheap read that tells whether the store is back ({@link #PROBE_INTERVAL}), made while an outage goes
     * on: the outage (and the readiness it keeps DOWN) must end even when no delivery reaches this replica.
     */
    void probeWith(Supplier<Uni<?>> read) {
        this.probe = read;
    }

    private void scheduleProbe() {
        Uni.createFrom().voidItem().onItem().delayIt().by(PROBE_INTERVAL).subscribe().with(ignored -> {
            Supplier<Uni<?>> read = probe;
            if (outage.get() == null || read == null) {
                return;
            }
            observe(Uni.createFrom().deferred(read::get)).subscribe().with(ok -> {
            }, failure -> scheduleProbe());
        }, failure -> scheduleProbe());
    }

    /** The outage going on, if any. */
    public Optional<Outage> outage() {
        return Optional.ofNullable(outage.get());
    }

    /** Outcomes kept in memory now. */
    public int unwrittenOutcomes() {
        return unwritten.get();
    }

    void outcomeKept() {
        unwritten.incrementAndGet();
    }

    void outcomeWritten() {
        unwritten.decrementAndGet();
    }

    void outcomeAbandoned() {
        unwritten.decrementAndGet();
        abandoned.increment();
    }

    void succeeded(long sentNanos) {
        Outage current = outage.get();
        if (current != null && sentNanos - current.sinceNanos() >= 0 && outage.compareAndSet(current, null)) {
            LOG.infof("Outcome ledger: Redis is reachable again after %d ms (unreachable since %s); %d outcome(s) "
                    + "kept in memory are being written", TimeUnit.NANOSECONDS.toMillis(System.nanoTime()
                            - current.sinceNanos()), current.since(), unwritten.get());
        }
    }

    void failed(Throwable failure) {
        if (poolExhausted(failure)) {
            poolExhausted.increment();
            long refused = poolRefusedSinceLine.incrementAndGet();
            long now = System.nanoTime();
            long last = lastPoolLine.get();
            if (now - last >= POOL_LOG_INTERVAL.toNanos() && lastPoolLine.compareAndSet(last, now)) {
                refused = poolRefusedSinceLine.getAndSet(0);
                LOG.warnf("Outcome ledger: %d Redis command(s) refused since the last such line: the connection pool's "
                        + "wait queue is full (%s); the deliveries concerned are answered 503. Raise "
                        + "quarkus.redis.max-pool-waiting (QUARKUS_REDIS_MAX_POOL_WAITING) or lower "
                        + "ingest.max-in-flight", refused, failure.getMessage());
            }
            return;
        }
        Outage begun = new Outage(Instant.now(), System.nanoTime(), String.valueOf(failure.getMessage()));
        if (outage.compareAndSet(null, begun)) {
            outages.increment();
            LOG.warnf("Outcome ledger: Redis is unreachable (%s). Deliveries are answered 503 until it is back; the "
                    + "outcomes of actions that finish meanwhile are kept in memory and written then (within "
                    + "ledger.claim-lease), so no action runs twice; readiness reports the ledger DOWN", begun.cause());
            scheduleProbe();
        }
    }

    static boolean poolExhausted(Throwable failure) {
        return failure instanceof ConnectionPoolTooBusyException
                || String.valueOf(failure.getMessage()).contains("max wait queue size");
    }
}
