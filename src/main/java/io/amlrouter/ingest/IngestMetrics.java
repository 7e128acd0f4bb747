package io.amlrouter.ingest;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import io.amlrouter.events.EventSchema;
import io.amlrouter.events.MlEvent;
import io.amlrouter.http.Problem;
import io.amlrouter.observability.Buckets;
import io.amlrouter.routing.EventObservability;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The webhook's metrics: events received (by type and schema), deliveries refused (by reason),
 * duplicates, handshakes and the time from a delivery's arrival to its answer. Every meter is created
 * here, once; recording is an array or map lookup and an increment. Names and labels:
 * docs/observability.md.
 */
@ApplicationScoped
public class IngestMetrics {

    /** Refusal reasons (the problem slugs of the answers); any other slug counts as {@code other}. */
    public static final List<String> REASONS = List.of("unauthorized", "invalid-body", "unsupported-media-type",
            "body-too-large", "overloaded", "shutting-down", "auth-unavailable", "not-finished", "invalid-handshake",
            "origin-not-allowed", "other");
    /** Statuses the answer-time histogram distinguishes; any other status counts as {@code other}. */
    static final List<String> STATUSES = List.of("200", "400", "401", "403", "413", "503", "other");
    /** The schema label of events the service publishes itself (deployment outcomes). */
    public static final String INTERNAL = "internal";

    private final Counter[][] received;
    private final Counter[] receivedInternal;
    private final Map<String, Counter> rejected = new HashMap<>();
    private final Counter joined;
    private final Counter subscriptionValidation;
    private final Counter abuseProtection;
    private final Timer[] answered = new Timer[STATUSES.size()];

    public IngestMetrics(MeterRegistry registry) {
        EventSchema[] schemas = EventSchema.values();
        int types = EventTypeLabel.KNOWN.size() + 1;
        received = new Counter[schemas.length][types];
        receivedInternal = new Counter[types];
        for (int t = 0; t < types; t++) {
            String type = t < EventTypeLabel.KNOWN.size() ? EventTypeLabel.KNOWN.get(t) : EventTypeLabel.OTHER;
            for (EventSchema schema : schemas) {
                received[schema.ordinal()][t] = receivedCounter(registry, type, schemaLabel(schema));
            }
            receivedInternal[t] = receivedCounter(registry, type, INTERNAL);
        }
        for (String reason : REASONS) {
            rejected.put(reason, Counter.builder("events.rejected")
                    .description("Deliveries answered with an error (4xx, or 503 to be delivered again), by reason")
                    .tag("reason", reason).register(registry));
        }
        joined = duplicates(registry, "in-flight");
        // Counted by the router (RoutingMetrics#redelivered), registered here too so that the series is there at 0
        // from the start, beside in-flight.
        duplicates(registry, "redelivered");
        subscriptionValidation = handshakes(registry, "subscription-validation");
        abuseProtection = handshakes(registry, "abuse-protection");
        for (int i = 0; i < STATUSES.size(); i++) {
            answered[i] = Timer.builder("events.ingest.duration")
                    .description("Time from a delivery's arrival to its answer, by status")
                    .tag("status", STATUSES.get(i)).serviceLevelObjectives(Buckets.INGEST)
                    .minimumExpectedValue(Buckets.INGEST[0])
                    .maximumExpectedValue(Buckets.INGEST[Buckets.INGEST.length - 1])
                    .register(registry);
        }
    }

    /** {@code eventgrid} or {@code cloudevents}. */
    public static String schemaLabel(EventSchema schema) {
        return EventObservability.schemaLabel(schema);
    }

    /** An event of an authenticated, decoded delivery (before de-duplication). */
    public void received(MlEvent event) {
        received[event.envelope().schema().ordinal()][EventTypeLabel.index(event.type())].increment();
    }

    /** An event the service published itself (a deployment outcome), counted under schema {@code internal}. */
    public void receivedInternal(MlEvent event) {
        receivedInternal[EventTypeLabel.index(event.type())].increment();
    }

    /** A delivery answered with a problem document; counted under its slug. */
    public void rejected(Problem problem) {
        String type = problem.type();
        String slug = type.substring(type.lastIndexOf(':') + 1);
        Counter c = rejected.get(slug);
        (c != null ? c : rejected.get("other")).increment();
    }

    /** An event whose id was already in flight on this replica: it joined that work. */
    public void joinedInFlight() {
        joined.increment();
    }

    /** Event Grid's subscription validation event, answered with its code. */
    public void subscriptionValidation() {
        subscriptionValidation.increment();
    }

    /** The CloudEvents abuse-protection handshake ({@code OPTIONS}), answered with consent. */
    public void abuseProtection() {
        abuseProtection.increment();
    }

    /** The answer to a delivery, {@code startNanos} being {@link System#nanoTime()} at its arrival. */
    public void answered(int status, long startNanos) {
        int i = switch (status) {
            case 200 -> 0;
            case 400 -> 1;
            case 401 -> 2;
            case 403 -> 3;
            case 413 -> 4;
            case 503 -> 5;
            default -> 6;
        };
        answered[i].record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    private static Counter receivedCounter(MeterRegistry registry, String type, String schema) {
        return Counter.builder("events.received")
                .description("Events received, by type (known types, else other) and schema")
                .tag("type", type).tag("schema", schema).register(registry);
    }

    private static Counter duplicates(MeterRegistry registry, String kind) {
        return Counter.builder("events.duplicates")
                .description("Events whose id was in flight (in-flight) or already in the ledger (redelivered)")
                .tag("kind", kind).register(registry);
    }

    private static Counter handshakes(MeterRegistry registry, String kind) {
        return Counter.builder("events.handshakes")
                .description("Validation handshakes answered: Event Grid's subscription validation, CloudEvents' "
                        + "abuse protection (OPTIONS)")
                .tag("kind", kind).register(registry);
    }
}
