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

    /**
     * The events that meet a query, newest first by first sight, one page at a time (see {@link HistoryQuery}: at
     * most {@code limit} events, reading at most {@code scanLimit}; the page's {@code next} continues).
     */
    Uni<HistoryPage> search(HistoryQuery query);

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
}
