package io.amlrouter.ledger;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * An event as the history shows it: what arrived, when, how often, and which rules it matched.
 *
 * @param raw the event JSON as received (kept as text)
 * @param deliveries how many deliveries of this id reached this service
 * @param outcome {@code no-rule-matched}, {@code workspace-not-allowed}, {@code routed} or {@code silenced}
 * @param silencedBy the ids of the silences that stopped its actions, when {@code silenced}; else empty
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EventRecord(String id, String type, String subject, String topic, Instant firstReceivedAt,
        Instant lastReceivedAt, int deliveries, List<String> matchedRules, String outcome,
        @JsonRawValue String raw, List<String> silencedBy) {

    public EventRecord {
        matchedRules = List.copyOf(matchedRules);
        silencedBy = silencedBy == null ? List.of() : List.copyOf(silencedBy);
    }

    /** An event no silence stopped. */
    public EventRecord(String id, String type, String subject, String topic, Instant firstReceivedAt,
            Instant lastReceivedAt, int deliveries, List<String> matchedRules, String outcome, String raw) {
        this(id, type, subject, topic, firstReceivedAt, lastReceivedAt, deliveries, matchedRules, outcome, raw, List.of());
    }
}
