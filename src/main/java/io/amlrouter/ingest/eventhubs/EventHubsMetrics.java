package io.amlrouter.ingest.eventhubs;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The Event Hubs ingest's meters (docs/operations.md): {@code eventhubs_records_total{outcome}},
 * {@code eventhubs_retries_total}, {@code eventhubs_records_in_flight} and, per partition this replica
 * owns, {@code eventhubs_consumer_lag{topic,partition}}.
 */
@ApplicationScoped
public class EventHubsMetrics {

    /** What became of a record. */
    enum Outcome {
        /** Every action done (or failed permanently and dead-lettered by the router); committed. */
        DONE,
        /** Still owed after the retry budget: sent to the dead-letter topic and the ledger's dead letters. */
        DEAD_LETTERED,
        /** Not an event (not JSON, no id, ...): sent to the dead-letter topic at once. */
        POISON,
        /** Only Event Grid control events (validation, deletion): logged and committed. */
        CONTROL,
        /** Left unacknowledged at shutdown (not committed): the partition's next owner reads it again. */
        RELEASED;

        String label() {
            return name().toLowerCase().replace('_', '-');
        }
    }

    private final MeterRegistry registry;
    private final Map<Outcome, Counter> records = new EnumMap<>(Outcome.class);
    private final Counter retries;

    public EventHubsMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (Outcome o : Outcome.values()) {
            records.put(o, Counter.builder("eventhubs.records").description("Records of the Event Hubs ingest, by outcome")
                    .tag("outcome", o.label()).register(registry));
        }
        retries = Counter.builder("eventhubs.retries")
                .description("Attempts of records again after a transient failure of their actions").register(registry);
    }

    void record(Outcome outcome) {
        records.get(outcome).increment();
    }

    void retried() {
        retries.increment();
    }

    void inFlight(Supplier<Number> count) {
        Gauge.builder("eventhubs.records.in.flight", count).description("Records being processed on this replica")
                .register(registry);
    }

    /** Registers the lag gauge of one partition (idempotent). */
    void lag(String topic, int partition, Supplier<Number> lag) {
        Gauge.builder("eventhubs.consumer.lag", lag)
                .description("Records of the partition not yet read by this replica (end offset minus position)")
                .tag("topic", topic).tag("partition", String.valueOf(partition)).register(registry);
    }
}
