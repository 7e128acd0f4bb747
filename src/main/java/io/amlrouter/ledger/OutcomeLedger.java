package io.amlrouter.ledger;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.smallrye.mutiny.Uni;

/**
 * The memory of what was done: per {@link ActionKey}, whether the action is owed, running, done or
 * dead; per event, what arrived and which rules it matched. Event Grid is the durable queue and
 * retries for 24 h, so entries live longer than that (25 h by default). Implementations: in memory
 * (one replica) and Redis (several replicas, survives restarts).
 */
public interface OutcomeLedger {

    /**
     * Records (or refreshes) an event as seen, counting a delivery; answers the deliveries counted so far,
     * this one included (more than 1: the ledger had seen the id before).
     */
    Uni<Long> eventSeen(EventRecord event);

    /** Claims an action for execution: atomically across replicas where the store is shared. */
    Uni<Claim> claim(ActionKey key, String kind, Duration lease);

    /** The claimed action succeeded. */
    Uni<Void> succeeded(ActionKey key, String externalId, String detail);

    /** The claimed action failed permanently (dead letter). */
    Uni<Void> failedPermanently(ActionKey key, String reason);

    /** The claimed action failed transiently: it is owed again, for the next delivery. */
    Uni<Void> failedTransiently(ActionKey key, String reason);

    /** One action's record, if any. */
    Uni<Optional<ActionRecord>> action(ActionKey key);

    /** The most recent events, newest first. */
    Uni<List<EventHistory>> recent(int limit);

    /** One event with its actions, ordered by rule name and action index. */
    Uni<Optional<EventHistory>> event(String eventId);

    /** Makes the permanently failed actions of an event owed again (replay); returns how many. */
    Uni<Integer> reopenFailed(String eventId);

    /** Entries held now (for the ledger-size metric). */
    Uni<Long> size();

    /**
     * Records an open watch, or replaces the one with the same key (its progress changed). A watch
     * stays open until {@link #closeWatch} however long the ledger's retention is, so a persistent
     * store can resume it after a restart.
     */
    Uni<Void> saveWatch(Watch watch);

    /** Ends a watch: its outcome is known and announced (or it gave up). Unknown keys are ignored. */
    Uni<Void> closeWatch(ActionKey key);

    /**
     * The open watches, oldest first. Read at startup to resume them: a persistent store returns what
     * replicas left open; the in-memory store returns nothing after a restart.
     */
    Uni<List<Watch>> openWatches();

    /**
     * Decides once whether a claimed action with a rate limit may run: at most {@code max} actions are admitted
     * per {@code bucket} (the rule, the action and its rendered key) in any window of {@code per} ending at
     * {@code now}. Atomic across replicas where the store is shared. The decision is kept per action key: asked
     * again for the same action (a redelivery, another replica) the store answers the same, and does not count
     * it twice.
     */
    Uni<LimitDecision> admit(ActionKey key, String bucket, int max, Duration per, Instant now);

    /** The claimed action is over its rate limit: recorded {@link ActionState#LIMITED}, a final state. */
    Uni<Void> limited(ActionKey key, String detail);

    /**
     * Records a silence, or replaces the one with the same id. Kept until {@code ledger.retention} after it
     * ends, then forgotten.
     */
    Uni<Void> saveSilence(SilenceRecord silence);

    /** The silences held: pending, active and those ended less than {@code ledger.retention} ago. */
    Uni<List<SilenceRecord>> silences();

    /**
     * Ends a silence at {@code at} (when it ends later); answers it as changed, or empty when the id is unknown.
     */
    Uni<Optional<SilenceRecord>> expireSilence(String id, Instant at);
}
