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
 * @param outcome {@code no-rule-matched}, {@code workspace-not-allowed}, or {@code routed}
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EventRecord(String id, String type, String subject, String topic, Instant firstReceivedAt,
        Instant lastReceivedAt, int deliveries, List<String> matchedRules, String outcome,
        @JsonRawValue String raw) {

    public EventRecord {
        matchedRules = List.copyOf(matchedRules);
    }
}
