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

    // Digest groups (docs/actions.md, "Digests"). The store holds them, so with Redis they are shared by the
    // replicas and survive restarts.

    /**
     * The claimed grouped action is done: its event is in the group {@code groupId} (final, like a success; a
     * redelivery does not run it again).
     */
    Uni<Void> grouped(ActionKey key, String groupId, String detail);

    /**
     * Adds the event of a grouped action to its group (created when new) and schedules the group: {@code wait}
     * after its first event, and not before {@code interval} after its last digest. Idempotent per action: when that
     * action of that event is in a group already (a redelivery), nothing is added, even if the key now renders to
     * another group. Answers the group that holds the event. At most {@code maxListed} events of a batch are kept
     * to be listed; the others are counted.
     */
    Uni<DigestGroup> groupAdd(DigestGroup group, GroupEntry entry, int maxListed);

    /**
     * The groups due by {@code by} (now, or later to send every waiting digest at once, as a stopping replica with
     * the in-memory store does), soonest first, at most {@code limit}.
     */
    Uni<List<String>> dueGroups(Instant by, int limit);

    /**
     * Takes a due group to send its digest, leasing it to this replica for {@code lease}: answers its batch (the one
     * taken before and not sent yet, or its waiting events), or nothing when the group is not due by {@code by}, is leased to
     * another replica, or has nothing to send. Once the lease lapses, another replica may take the same batch.
     */
    Uni<Optional<GroupBatch>> takeGroup(String groupId, Duration lease, Instant by);

    /** The batch {@code seq} was sent (or dead-lettered): it is dropped; events that joined since wait for the next. */
    Uni<Void> groupSent(String groupId, long seq);

    /** The batch {@code seq} could not be sent now: releases the lease, and the group is due again {@code after}. */
    Uni<Void> groupRetry(String groupId, long seq, Duration after);

    /** Events in groups whose digest is not sent yet (for the pending-digest gauge). */
    Uni<Long> groupedEvents();

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
