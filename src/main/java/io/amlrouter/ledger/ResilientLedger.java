package io.amlrouter.ledger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import org.jboss.logging.Logger;

import io.amlrouter.observability.LogContext;
import io.smallrye.mutiny.Uni;

/**
 * A shared store (Redis) as the router uses it: every call is observed by the {@link LedgerStoreMonitor}
 * (outages, pool exhaustion), and an outcome that cannot be written is not lost. The action it records
 * has happened, and its claim still holds; were the outcome dropped, the redelivery would wait out the
 * claim lease and run the action again. So the outcome is kept in memory and written again, oldest first,
 * every {@link #RETRY_MIN} to {@link #RETRY_MAX} until the store takes it, for at most the claim lease.
 * The returned {@code Uni} completes when it is written: the event stays in flight meanwhile (its
 * deliveries join it and are answered 503 at the deadline), and a claim of that action on this replica
 * waits for it. An outcome still unwritten when its lease is over is given up (ERROR line, counted): the
 * claim has lapsed by then and another delivery may run the action again.
 */
public final class ResilientLedger implements OutcomeLedger {

    private static final Logger LOG = Logger.getLogger(ResilientLedger.class);

    static final Duration RETRY_MIN = Duration.ofMillis(200);
    static final Duration RETRY_MAX = Duration.ofSeconds(1);

    /** An outcome kept in memory: how to write it, until when to try, and who waits for it. */
    private record Unwritten(ActionKey key, String what, Function<OutcomeLedger, Uni<Void>> write, long untilNanos,
            CompletableFuture<Void> written) {
    }

    private final OutcomeLedger store;
    private final LedgerStoreMonitor monitor;
    private final Duration keepFor;
    /** Guarded by {@code this}. */
    private final Deque<Unwritten> unwritten = new ArrayDeque<>();
    /** Guarded by {@code this}: a write of the head is under way or scheduled. */
    private boolean flushing;
    private Duration retryDelay = RETRY_MIN;

    public ResilientLedger(OutcomeLedger store, LedgerStoreMonitor monitor, Duration keepFor) {
        this.store = store;
        this.monitor = monitor;
        this.keepFor = keepFor;
        monitor.probeWith(store::size);
    }

    @Override
    public Uni<Long> eventSeen(EventRecord event) {
        return monitor.observe(store.eventSeen(event));
    }

    @Override
    public Uni<Claim> claim(ActionKey key, String kind, Duration lease) {
        // This replica's own outcome of the action, not yet written, comes first: the claim then sees it.
        return Uni.createFrom().deferred(() -> {
            CompletableFuture<Void> pending = pendingWrite(key);
            Uni<Void> before = pending == null ? Uni.createFrom().voidItem() : Uni.createFrom().completionStage(pending);
            return before.chain(() -> monitor.observe(store.claim(key, kind, lease)));
        });
    }

    @Override
    public Uni<Void> succeeded(ActionKey key, String externalId, String detail) {
        return outcome(key, "success", s -> s.succeeded(key, externalId, detail));
    }

    @Override
    public Uni<Void> failedPermanently(ActionKey key, String reason) {
        return outcome(key, "permanent failure", s -> s.failedPermanently(key, reason));
    }

    @Override
    public Uni<Void> failedTransiently(ActionKey key, String reason) {
        return outcome(key, "transient failure", s -> s.failedTransiently(key, reason));
    }

    @Override
    public Uni<Optional<ActionRecord>> action(ActionKey key) {
        return monitor.observe(store.action(key));
    }

    @Override
    public Uni<List<EventHistory>> recent(int limit) {
        return monitor.observe(store.recent(limit));
    }

    @Override
    public Uni<Optional<EventHistory>> event(String eventId) {
        return monitor.observe(store.event(eventId));
    }

    @Override
    public Uni<HistoryPage> search(HistoryQuery query) {
        return monitor.observe(store.search(query));
    }

    @Override
    public Uni<Integer> reopenFailed(String eventId) {
        return monitor.observe(store.reopenFailed(eventId));
    }

    @Override
    public Uni<Long> size() {
        return monitor.observe(store.size());
    }

    @Override
    public Uni<Void> saveWatch(Watch watch) {
        return monitor.observe(store.saveWatch(watch));
    }

    @Override
    public Uni<Void> closeWatch(ActionKey key) {
        return monitor.observe(store.closeWatch(key));
    }

    @Override
    public Uni<List<Watch>> openWatches() {
        return monitor.observe(store.openWatches());
    }

    @Override
    public Uni<Void> grouped(ActionKey key, String groupId, String detail) {
        return outcome(key, "grouping", s -> s.grouped(key, groupId, detail));
    }

    @Override
    public Uni<DigestGroup> groupAdd(DigestGroup group, GroupEntry entry, int maxListed) {
        return monitor.observe(store.groupAdd(group, entry, maxListed));
    }

    @Override
    public Uni<List<String>> dueGroups(Instant by, int limit) {
        return monitor.observe(store.dueGroups(by, limit));
    }

    @Override
    public Uni<Optional<GroupBatch>> takeGroup(String groupId, Duration lease, Instant by) {
        return monitor.observe(store.takeGroup(groupId, lease, by));
    }

    @Override
    public Uni<Void> groupSent(String groupId, long seq) {
        return monitor.observe(store.groupSent(groupId, seq));
    }

    @Override
    public Uni<Void> groupRetry(String groupId, long seq, Duration after) {
        return monitor.observe(store.groupRetry(groupId, seq, after));
    }

    @Override
    public Uni<Long> groupedEvents() {
        return monitor.observe(store.groupedEvents());
    }

    @Override
    public Uni<LimitDecision> admit(ActionKey key, String bucket, int max, Duration per, java.time.Instant now) {
        // No fallback: without the store the decision cannot be shared, so the action stays owed (503).
        return monitor.observe(store.admit(key, bucket, max, per, now));
    }

    @Override
    public Uni<Void> limited(ActionKey key, String detail) {
        return outcome(key, "limited", s -> s.limited(key, detail));
    }

    @Override
    public Uni<Void> saveSilence(SilenceRecord silence) {
        return monitor.observe(store.saveSilence(silence));
    }

    @Override
    public Uni<List<SilenceRecord>> silences() {
        return monitor.observe(store.silences());
    }

    @Override
    public Uni<Optional<SilenceRecord>> expireSilence(String id, java.time.Instant at) {
        return monitor.observe(store.expireSilence(id, at));
    }

    /** Outcomes kept in memory now. */
    public synchronized int unwrittenOutcomes() {
        return unwritten.size();
    }

    private Uni<Void> outcome(ActionKey key, String what, Function<OutcomeLedger, Uni<Void>> write) {
        return Uni.createFrom().deferred(() -> {
            synchronized (this) {
                if (!unwritten.isEmpty()) {
                    // Behind the ones kept already: outcomes are written in the order they were reached.
                    return keep(key, what, write);
                }
            }
            return monitor.observe(write.apply(store)).onFailure().recoverWithUni(failure -> {
                synchronized (this) {
                    return keep(key, what, write);
                }
            });
        });
    }

    /** Called holding the lock. */
    private Uni<Void> keep(ActionKey key, String what, Function<OutcomeLedger, Uni<Void>> write) {
        Unwritten u = new Unwritten(key, what, write, System.nanoTime() + keepFor.toNanos(), new CompletableFuture<>());
        unwritten.addLast(u);
        monitor.outcomeKept();
        if (LOG.isDebugEnabled()) {
            LOG.debugf("Outcome of %s (%s) kept in memory until the ledger store takes it", key, what);
        }
        if (!flushing) {
            flushing = true;
            retryDelay = RETRY_MIN;
            schedule();
        }
        return Uni.createFrom().completionStage(u.written());
    }

    private synchronized CompletableFuture<Void> pendingWrite(ActionKey key) {
        CompletableFuture<Void> last = null;
        for (Unwritten u : unwritten) {
            if (u.key().equals(key)) {
                last = u.written();
            }
        }
        return last;
    }

    private void schedule() {
        Uni.createFrom().voidItem().onItem().delayIt().by(retryDelay).subscribe().with(ignored -> writeHead(),
                failure -> writeHead());
    }

    /** Writes the oldest kept outcome; on success goes on with the next at once, on failure tries again later. */
    private void writeHead() {
        Unwritten head;
        synchronized (this) {
            head = unwritten.peekFirst();
            while (head != null && System.nanoTime() - head.untilNanos() > 0) {
                unwritten.removeFirst();
                abandon(head);
                head = unwritten.peekFirst();
            }
            if (head == null) {
                flushing = false;
                return;
            }
        }
        Unwritten writing = head;
        monitor.observe(writing.write().apply(store)).subscribe().with(ignored -> {
            synchronized (this) {
                unwritten.remove(writing);
                retryDelay = RETRY_MIN;
                if (unwritten.isEmpty()) {
                    LOG.infof("Outcome ledger: every outcome kept in memory is written");
                }
            }
            monitor.outcomeWritten();
            writing.written().complete(null);
            writeHead();
        }, failure -> {
            synchronized (this) {
                retryDelay = retryDelay.multipliedBy(2).compareTo(RETRY_MAX) > 0 ? RETRY_MAX : retryDelay.multipliedBy(2);
            }
            schedule();
        });
    }

    private void abandon(Unwritten u) {
        monitor.outcomeAbandoned();
        try (LogContext ignored = LogContext.ofAction(u.key().eventId(), null, null, u.key().rule(), u.key().actionIndex(),
                null)) {
            LOG.errorf("Outcome ledger: the %s of %s could not be written within ledger.claim-lease (%s); its claim "
                    + "has lapsed, so a redelivery may run the action again", u.what(), u.key(), keepFor);
        }
        u.written().completeExceptionally(new IllegalStateException("the outcome of " + u.key()
                + " could not be written to the ledger store within " + keepFor));
    }
}
