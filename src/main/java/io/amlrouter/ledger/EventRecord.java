package io.amlrouter.ledger;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * An event as the history shows it: what arrived, when, how often, which rules it matched and why the others did
 * not.
 *
 * @param raw the event JSON as received (kept as text)
 * @param deliveries how many deliveries of this id reached this service
 * @param outcome {@code no-rule-matched}, {@code workspace-not-allowed}, {@code routed} or {@code silenced}
 * @param rulesVersion the version of the rules that routed it ({@code RuleSet.version()}, {@code sha256:...}); null
 *        when unknown (recorded before versions were kept)
 * @param runId the run the event is about (run events, drift), for searching; null otherwise
 * @param models the names of the models the event is about (registered, deployed), for searching; empty otherwise
 * @param explanation per rule of {@code rulesVersion}, in file order: matched, or its first failing filter and why;
 *        empty when not evaluated (workspace not allowed) or unknown
 * @param silencedBy the ids of the silences that stopped its actions, when {@code silenced}; else empty
 * @param delivery how the latest delivery arrived, when the ingest told more than the event (the Event Hubs
 *        ingest: Event Grid's {@code aeg-*} headers, the record's topic, partition and offset); null otherwise
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EventRecord(String id, String type, String subject, String topic, Instant firstReceivedAt,
        Instant lastReceivedAt, int deliveries, List<String> matchedRules, String outcome,
        @JsonRawValue String raw, String rulesVersion, String runId, List<String> models,
        List<RuleVerdict> explanation, List<String> silencedBy, Map<String, String> delivery) {

    public EventRecord {
        matchedRules = List.copyOf(matchedRules);
        models = models == null ? List.of() : List.copyOf(models);
        explanation = explanation == null ? List.of() : List.copyOf(explanation);
        silencedBy = silencedBy == null ? List.of() : List.copyOf(silencedBy);
    }

    /** An event recorded without the rules version, search fields and explanation, and not silenced. */
    public EventRecord(String id, String type, String subject, String topic, Instant firstReceivedAt,
            Instant lastReceivedAt, int deliveries, List<String> matchedRules, String outcome, String raw) {
        this(id, type, subject, topic, firstReceivedAt, lastReceivedAt, deliveries, matchedRules, outcome, raw, null,
                null, List.of(), List.of(), List.of());
    }

    /** An event recorded without the rules version, search fields and explanation, stopped by these silences. */
    public EventRecord(String id, String type, String subject, String topic, Instant firstReceivedAt,
            Instant lastReceivedAt, int deliveries, List<String> matchedRules, String outcome, String raw,
            List<String> silencedBy) {
        this(id, type, subject, topic, firstReceivedAt, lastReceivedAt, deliveries, matchedRules, outcome, raw, null,
                null, List.of(), List.of(), silencedBy);
    }

    /** An event recorded with its routing, stopped by these silences when not empty, without delivery details. */
    public EventRecord(String id, String type, String subject, String topic, Instant firstReceivedAt,
            Instant lastReceivedAt, int deliveries, List<String> matchedRules, String outcome, String raw,
            String rulesVersion, String runId, List<String> models, List<RuleVerdict> explanation,
            List<String> silencedBy) {
        this(id, type, subject, topic, firstReceivedAt, lastReceivedAt, deliveries, matchedRules, outcome, raw,
                rulesVersion, runId, models, explanation, silencedBy, null);
    }

    /** A record with delivery details only. */
    public EventRecord(String id, String type, String subject, String topic, Instant firstReceivedAt,
            Instant lastReceivedAt, int deliveries, List<String> matchedRules, String outcome, String raw,
            Map<String, String> delivery) {
        this(id, type, subject, topic, firstReceivedAt, lastReceivedAt, deliveries, matchedRules, outcome, raw, null,
                null, List.of(), List.of(), List.of(), delivery);
    }

    /** An event no silence stopped. */
    public EventRecord(String id, String type, String subject, String topic, Instant firstReceivedAt,
            Instant lastReceivedAt, int deliveries, List<String> matchedRules, String outcome, String raw,
            String rulesVersion, String runId, List<String> models, List<RuleVerdict> explanation) {
        this(id, type, subject, topic, firstReceivedAt, lastReceivedAt, deliveries, matchedRules, outcome, raw,
                rulesVersion, runId, models, explanation, List.of());
    }

    /** The same event with another first sight and delivery count (a redelivery's record keeps the first). */
    public EventRecord withDeliveries(Instant first, int count) {
        return new EventRecord(id, type, subject, topic, first, lastReceivedAt, count, matchedRules, outcome, raw,
                rulesVersion, runId, models, explanation, silencedBy, delivery);
    }

    /** The same event, stopped by these silences. */
    public EventRecord withSilencedBy(List<String> ids) {
        return new EventRecord(id, type, subject, topic, firstReceivedAt, lastReceivedAt, deliveries, matchedRules,
                outcome, raw, rulesVersion, runId, models, explanation, ids, delivery);
    }

    /** The same event, with how its latest delivery arrived (null: nothing more than the event). */
    public EventRecord withDelivery(Map<String, String> how) {
        return new EventRecord(id, type, subject, topic, firstReceivedAt, lastReceivedAt, deliveries, matchedRules,
                outcome, raw, rulesVersion, runId, models, explanation, silencedBy, how);
    }
}
