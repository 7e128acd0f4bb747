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
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One event as the history API shows it: what arrived, the rules it matched and every action's
 * outcome. {@code event} is the raw event JSON, present in {@code GET /events/{id}} only.
 *
 * @param outcome {@code routed}, {@code no-rule-matched} or {@code workspace-not-allowed}
 * @param delivery how the latest delivery arrived, when the ingest told more than the event: with the Event Hubs
 *        ingest, Event Grid's {@code aeg-*} headers (subscription, delivery count, event type, ...) and
 *        {@code record} (topic/partition@offset); absent for webhook deliveries
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EventView(String id, String type, String subject, String topic, Instant firstReceivedAt,
        Instant lastReceivedAt, int deliveries, List<String> matchedRules, String outcome, List<ActionView> actions,
        @JsonRawValue String event, Map<String, String> delivery) {

    /**
     * One action of the event.
     *
     * @param action the action's index within its rule
     * @param state {@code PENDING} (owed: failed transiently or reopened), {@code CLAIMED} (running),
     *        {@code SUCCEEDED}, {@code FAILED} (dead letter)
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
                e.deliveries(), e.matchedRules(), e.outcome(), views, withRaw ? e.raw() : null, e.delivery());
    }
}
