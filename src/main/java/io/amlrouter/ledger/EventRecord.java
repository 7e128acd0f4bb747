package io.amlrouter.ledger;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * An event as the history shows it: what arrived, when, how often, and which rules it matched.
 *
 * @param raw the event JSON as received (kept as text)
 * @param deliveries how many deliveries of this id reached this service
 * @param outcome {@code no-rule-matched}, {@code workspace-not-allowed}, or {@code routed}
 * @param delivery how the latest delivery arrived, when the ingest told more than the event (the Event Hubs
 *        ingest: Event Grid's {@code aeg-*} headers, the record's topic, partition and offset); null otherwise
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EventRecord(String id, String type, String subject, String topic, Instant firstReceivedAt,
        Instant lastReceivedAt, int deliveries, List<String> matchedRules, String outcome,
        @JsonRawValue String raw, Map<String, String> delivery) {

    public EventRecord {
        matchedRules = List.copyOf(matchedRules);
    }

    /** A record without delivery details. */
    public EventRecord(String id, String type, String subject, String topic, Instant firstReceivedAt,
            Instant lastReceivedAt, int deliveries, List<String> matchedRules, String outcome, String raw) {
        this(id, type, subject, topic, firstReceivedAt, lastReceivedAt, deliveries, matchedRules, outcome, raw, null);
    }
}
