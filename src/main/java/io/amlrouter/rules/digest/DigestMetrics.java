package io.amlrouter.rules.digest;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import io.amlrouter.rules.action.ActionKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The digests' metrics: events grouped (by kind and rule), digests sent (by kind, rule and outcome), and the events
 * waiting in groups now, which a crash of a replica with the in-memory ledger would lose.
 */
@ApplicationScoped
public class DigestMetrics {

    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();
    private final AtomicLong pending = new AtomicLong();
    private final Counter dropped;

    public DigestMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("digest.events.pending", pending, AtomicLong::get)
                .description("Events waiting in digest groups whose digest is not sent yet (as of the last look); "
                        + "with the in-memory ledger, what a crash would lose")
                .register(registry);
        this.dropped = Counter.builder("digest.events.dropped")
                .description("Events of digests a stopping replica with the in-memory ledger could not send in time")
                .register(registry);
    }

    /** An event was recorded in its group instead of running the action. */
    public void grouped(ActionKind kind, String rule) {
        counter("digest.events.grouped", "Events recorded in a digest group instead of running the action", kind, rule,
                null).increment();
    }

    /** A digest of {@code events} events ended: {@code outcome} {@code sent} or {@code dead-letter}. */
    public void sent(ActionKind kind, String rule, String outcome) {
        counter("digest.sent", "Digests sent (one message per group batch), by outcome", kind, rule, outcome)
                .increment();
    }

    /** The events waiting in groups now. */
    public void pending(long events) {
        pending.set(events);
    }

    /** Events a stopping replica could not send. */
    public void dropped(long events) {
        dropped.increment(events);
    }

    private Counter counter(String name, String description, ActionKind kind, String rule, String outcome) {
        String id = name + "|" + kind.key() + "|" + rule + "|" + outcome;
        return counters.computeIfAbsent(id, k -> {
            Counter.Builder b = Counter.builder(name).description(description).tag("kind", kind.key()).tag("rule", rule);
            if (outcome != null) {
                b.tag("outcome", outcome);
            }
            return b.register(registry);
        });
    }
}
