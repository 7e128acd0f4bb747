package io.amlrouter.ledger;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * An event as the history shows it: what arrived, when, how often, which rules it matched and why the others did
 * not.
 *
 * @param raw the event JSON as received (kept as text)
 * @param deliveries how many deliveries of this id reached this service
 * @param outcome {@code no-rule-matched}, {@code workspace-not-allowed}, or {@code routed}
 * @param rulesVersion the version of the rules that routed it ({@code RuleSet.version()}, {@code sha256:...}); null
 *        when unknown (recorded before versions were kept)
 * @param runId the run the event is about (run events, drift), for searching; null otherwise
 * @param models the names of the models the event is about (registered, deployed), for searching; empty otherwise
 * @param explanation per rule of {@code rulesVersion}, in file order: matched, or its first failing filter and why;
 *        empty when not evaluated (workspace not allowed) or unknown
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EventRecord(String id, String type, String subject, String topic, Instant firstReceivedAt,
        Instant lastReceivedAt, int deliveries, List<String> matchedRules, String outcome,
        @JsonRawValue String raw, String rulesVersion, String runId, List<String> models,
        List<RuleVerdict> explanation) {

    public EventRecord {
        matchedRules = List.copyOf(matchedRules);
        models = models == null ? List.of() : List.copyOf(models);
        explanation = explanation == null ? List.of() : List.copyOf(explanation);
    }

    /** An event recorded without the rules version, search fields and explanation. */
    public EventRecord(String id, String type, String subject, String topic, Instant firstReceivedAt,
            Instant lastReceivedAt, int deliveries, List<String> matchedRules, String outcome, String raw) {
        this(id, type, subject, topic, firstReceivedAt, lastReceivedAt, deliveries, matchedRules, outcome, raw, null,
                null, List.of(), List.of());
    }

    /** The same event with another first sight and delivery count (a redelivery's record keeps the first). */
    public EventRecord withDeliveries(Instant first, int count) {
        return new EventRecord(id, type, subject, topic, first, lastReceivedAt, count, matchedRules, outcome, raw,
                rulesVersion, runId, models, explanation);
    }
}
