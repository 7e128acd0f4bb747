package io.amlrouter.history;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;

import io.amlrouter.ledger.ActionRecord;
import io.amlrouter.ledger.ActionState;
import io.amlrouter.ledger.EventHistory;
import io.amlrouter.ledger.EventRecord;
import io.amlrouter.ledger.RuleVerdict;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One event as the history API shows it: what arrived, the rules it matched and why the others did not, and every
 * action's outcome. {@code event} is the raw event JSON, present in {@code GET /events/{id}} only.
 *
 * @param outcome {@code routed}, {@code no-rule-matched}, {@code workspace-not-allowed} or {@code silenced}
 * @param rulesVersion the version of the rules that routed it ({@code GET /rules} shows the current one); absent for
 *        events recorded before versions were kept
 * @param runId the run the event is about, when it names one
 * @param models the models the event is about (registered, deployed), when it names some
 * @param explanation every rule of {@code rulesVersion} in file order: matched, or the first failing part of its filter
 *        ({@code filter}) and why ({@code reason}, the dry run's words); empty when no rule was evaluated (workspace
 *        not allowed)
 * @param silencedBy the ids of the silences that stopped its actions (when {@code silenced})
 * @param delivery how the latest delivery arrived, when the ingest told more than the event: with the Event Hubs
 *        ingest, Event Grid's {@code aeg-*} headers (subscription, delivery count, event type, ...) and
 *        {@code record} (topic/partition@offset); absent for webhook deliveries
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EventView(String id, String type, String subject, String topic, Instant firstReceivedAt,
        Instant lastReceivedAt, int deliveries, List<String> matchedRules, String outcome, List<ActionView> actions,
        @JsonRawValue String event, String rulesVersion, String runId, List<String> models,
        List<RuleVerdict> explanation, List<String> silencedBy, Map<String, String> delivery) {

    /**
     * One action of the event.
     *
     * @param action the action's index within its rule
     * @param state {@code PENDING} (owed: failed transiently or reopened), {@code CLAIMED} (running),
     *        {@code SUCCEEDED}, {@code FAILED} (dead letter), {@code GROUPED} (in a digest group; {@code externalId} is
     *        the group id), {@code LIMITED} (over its rate limit; not run)
     * @param externalId what the action created, when it names something (mail Message-ID, job name, run id)
     * @param owner the replica running it, while {@code CLAIMED}
     */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ActionView(String rule, int action, String kind, ActionState state, int attempts,
            Instant firstAttemptAt, Instant updatedAt, String lastError, String externalId, String detail, String owner,
            Instant leaseUntil) {
    }

    /** The view of a recorded event; with its raw JSON when {@code withRaw}. */
    static EventView of(EventHistory history, boolean withRaw) {
        EventRecord e = history.event();
        List<String> order = e.matchedRules();
        List<ActionRecord> actions = new ArrayList<>(history.actions());
        // The rules file's order (as matched), then the action's index; rules no longer matched last.
        actions.sort(Comparator.comparingInt((ActionRecord a) -> {
            int i = order.indexOf(a.key().rule());
            return i < 0 ? Integer.MAX_VALUE : i;
        }).thenComparing(a -> a.key().rule()).thenComparingInt(a -> a.key().actionIndex()));
        List<ActionView> views = actions.stream().map(a -> new ActionView(a.key().rule(), a.key().actionIndex(), a.kind(),
                a.state(), a.attempts(), a.firstAttemptAt(), a.updatedAt(), a.lastError(), a.externalId(), a.detail(),
                a.owner(), a.leaseUntil())).toList();
        return new EventView(e.id(), e.type(), e.subject(), e.topic(), e.firstReceivedAt(), e.lastReceivedAt(),
                e.deliveries(), e.matchedRules(), e.outcome(), views, withRaw ? e.raw() : null, e.rulesVersion(),
                e.runId(), e.models().isEmpty() ? null : e.models(), explain(e),
                e.silencedBy().isEmpty() ? null : e.silencedBy(), e.delivery());
    }

    /**
     * The recorded verdicts, each with its reason: the router records the dry run's reason for rules that failed
     * after the event-type check, and only the part for a rule of another event type (building that sentence for
     * every rule of every event would cost more than the evaluation itself); it is written here.
     */
    static List<RuleVerdict> explain(EventRecord e) {
        return e.explanation().stream().map(v -> !v.matched() && v.reason() == null
                && "includedEventTypes".equals(v.filter())
                        ? RuleVerdict.mismatch(v.rule(), v.filter(), (e.type() == null ? "the event has no type"
                                : "event type \"" + e.type() + "\"") + " is not one of the rule's includedEventTypes")
                        : v)
                .toList();
    }
}
