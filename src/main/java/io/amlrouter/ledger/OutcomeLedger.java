package io.amlrouter.ledger;

import java.time.Duration;
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

    /** Records (or refreshes) an event as seen, counting a delivery. */
    Uni<Void> eventSeen(EventRecord event);

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
}
