package io.amlrouter.ledger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

import io.smallrye.mutiny.Uni;

/**
 * The ledger of one replica, in memory: bounded in entries, each kept for the retention time
 * (25 h by default, longer than Event Grid's 24 h of retries), and bounded in memory: the oldest entries are
 * dropped once the estimated size of all entries passes the budget (by default a quarter of the maximum heap, so a
 * flood of distinct events cannot exhaust a {@code -Xmx128m} heap: 100,000 events of about 1 KB need some 230 MB).
 * Lost on restart: a redelivery after a
 * restart runs its actions again, which docs/reliability.md states as a bound of this mode. Open
 * watches are kept apart from the bounded history (they are few and each ends by itself) and are lost
 * on restart too.
 */
public final class InMemoryLedger implements OutcomeLedger {

    private static final class Entry {
        final String eventId;
        final Instant created;
        /** Its place in {@link #order}, for the search's cursor; set when added there. */
        long seq;
        EventRecord event;
        /** Estimated bytes held, counted in {@link #bytes} while the entry is in {@link #entries}. */
        long size = ENTRY_OVERHEAD;
        final Map<ActionKey, ActionRecord> actions = new LinkedHashMap<>();

        Entry(String eventId, Instant created) {
            this.eventId = eventId;
            this.created = created;
        }
    }

    /** The actions admitted and limited in one rate limit bucket, by action key, with when it was decided. */
    private static final class LimitWindow {
        final Map<String, Instant> admitted = new LinkedHashMap<>();
        final Map<String, Instant> limited = new LinkedHashMap<>();
    }

    /**
     * Estimated heap bytes of an entry besides its raw event text: the records, their instants and strings, the
     * maps, two actions (measured: about 2.3 KB per event of 1.1 KB JSON with two actions, JDK 17).
     */
    static final long ENTRY_OVERHEAD = 1_200;

    /** The order {@link EventHistory#actions()} lists actions in, whatever the store. */
    static final Comparator<ActionRecord> BY_RULE_AND_INDEX = Comparator.comparing((ActionRecord r) -> r.key().rule())
            .thenComparingInt(r -> r.key().actionIndex());

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong bytes = new AtomicLong();
    private final Map<ActionKey, Watch> watches = new LinkedHashMap<>();
    private final ConcurrentLinkedDeque<Entry> order = new ConcurrentLinkedDeque<>();
    /**
     * Rate limit windows by bucket, least recently used first; each forgets its runs older than the window or the
     * retention, and beyond {@code maxEvents} buckets the least recently used one is forgotten.
     */
    private final Map<String, LimitWindow> limits = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, LimitWindow> eldest) {
            return size() > maxEvents;
        }
    };
    /** Silences of the admin API by id, in creation order. */
    private final Map<String, SilenceRecord> silences = new LinkedHashMap<>();
    /** Guarded by {@link #order}: the last {@link Entry#seq} given. */
    private long sequence;
    private final int maxEvents;
    private final long maxBytes;
    private final Duration retention;
    private final Clock clock;
    private final String owner;
    private final InMemoryDigestGroups groups;

    /** A ledger whose memory budget is a quarter of the maximum heap. */
    public InMemoryLedger(int maxEvents, Duration retention, Clock clock, String owner) {
        this(maxEvents, Runtime.getRuntime().maxMemory() / 4, retention, clock, owner);
    }

    /**
     * @param maxEvents events remembered at most
     * @param maxBytes estimated heap bytes the entries may take at most (the raw event text plus
     *            {@link #ENTRY_OVERHEAD} each); beyond it the oldest entries are dropped, whatever their age
     */
    public InMemoryLedger(int maxEvents, long maxBytes, Duration retention, Clock clock, String owner) {
        this.maxEvents = maxEvents;
        this.maxBytes = maxBytes;
        this.retention = retention;
        this.clock = clock;
        this.owner = owner;
        this.groups = new InMemoryDigestGroups(retention, clock, owner);
    }

    @Override
    public Uni<Long> eventSeen(EventRecord event) {
        Instant now = clock.instant();
        Entry entry = entry(event.id(), now);
        long deliveries;
        synchronized (entry) {
            EventRecord previous = entry.event;
            entry.event = previous == null ? event
                    : event.withDeliveries(previous.firstReceivedAt(), previous.deliveries() + 1);
            long size = ENTRY_OVERHEAD + (event.raw() == null ? 0 : event.raw().length()) + explanationSize(event);
            if (entries.get(entry.eventId) == entry) {
                bytes.addAndGet(size - entry.size);
            }
            entry.size = size;
            deliveries = entry.event.deliveries();
        }
        return Uni.createFrom().item(deliveries);
    }

    @Override
    public Uni<Claim> claim(ActionKey key, String kind, Duration lease) {
        Instant now = clock.instant();
        Entry entry = entry(key.eventId(), now);
        synchronized (entry) {
            ActionRecord current = entry.actions.get(key);
            if (current != null && current.state().isFinal()) {
                return Uni.createFrom().item(new Claim.AlreadyDone(current));
            }
            if (current != null && current.state() == ActionState.CLAIMED && current.leaseUntil() != null
                    && current.leaseUntil().isAfter(now)) {
                return Uni.createFrom().item(new Claim.HeldElsewhere(current));
            }
            ActionRecord claimed = new ActionRecord(key, kind, ActionState.CLAIMED,
                    current == null ? 1 : current.attempts() + 1, current == null ? null : current.lastError(),
                    current == null ? null : current.externalId(), null,
                    current == null ? now : current.firstAttemptAt(), now, owner, now.plus(lease));
            entry.actions.put(key, claimed);
            return Uni.createFrom().item(new Claim.Granted(claimed));
        }
    }

    @Override
    public Uni<Void> succeeded(ActionKey key, String externalId, String detail) {
        return update(key, r -> new ActionRecord(key, r.kind(), ActionState.SUCCEEDED, r.attempts(), r.lastError(),
                externalId, detail, r.firstAttemptAt(), clock.instant(), null, null));
    }

    @Override
    public Uni<Void> failedPermanently(ActionKey key, String reason) {
        return update(key, r -> new ActionRecord(key, r.kind(), ActionState.FAILED, r.attempts(), reason,
                r.externalId(), null, r.firstAttemptAt(), clock.instant(), null, null));
    }

    @Override
    public Uni<Void> failedTransiently(ActionKey key, String reason) {
        return update(key, r -> new ActionRecord(key, r.kind(), ActionState.PENDING, r.attempts(), reason,
                r.externalId(), null, r.firstAttemptAt(), clock.instant(), null, null));
    }

    @Override
    public Uni<Void> limited(ActionKey key, String detail) {
        return update(key, r -> new ActionRecord(key, r.kind(), ActionState.LIMITED, r.attempts(), null,
                null, detail, r.firstAttemptAt(), clock.instant(), null, null));
    }

    @Override
    public Uni<LimitDecision> admit(ActionKey key, String bucket, int max, Duration per, Instant now) {
        synchronized (limits) {
            LimitWindow w = limits.computeIfAbsent(bucket, b -> new LimitWindow());
            Duration keep = per.compareTo(retention) > 0 ? per : retention;
            w.admitted.values().removeIf(at -> at.isBefore(now.minus(keep)));
            w.limited.values().removeIf(at -> at.isBefore(now.minus(retention)));
            Instant from = now.minus(per);
            long inWindow = w.admitted.values().stream().filter(at -> at.isAfter(from)).count();
            String member = key.id();
            LimitDecision decision;
            if (w.admitted.containsKey(member)) {
                decision = new LimitDecision(true, inWindow);
            } else if (w.limited.containsKey(member)) {
                decision = new LimitDecision(false, inWindow);
            } else if (inWindow < max) {
                w.admitted.put(member, now);
                decision = new LimitDecision(true, inWindow + 1);
            } else {
                w.limited.put(member, now);
                decision = new LimitDecision(false, inWindow);
            }
            if (w.admitted.isEmpty() && w.limited.isEmpty()) {
                limits.remove(bucket);
            }
            return Uni.createFrom().item(decision);
        }
    }

    @Override
    public Uni<Void> saveSilence(SilenceRecord silence) {
        synchronized (silences) {
            forgetEndedSilences();
            silences.put(silence.id(), silence);
        }
        return Uni.createFrom().voidItem();
    }

    @Override
    public Uni<List<SilenceRecord>> silences() {
        synchronized (silences) {
            forgetEndedSilences();
            return Uni.createFrom().item(List.copyOf(silences.values()));
        }
    }

    @Override
    public Uni<Optional<SilenceRecord>> expireSilence(String id, Instant at) {
        synchronized (silences) {
            forgetEndedSilences();
            SilenceRecord s = silences.get(id);
            if (s == null) {
                return Uni.createFrom().item(Optional.empty());
            }
            SilenceRecord ended = s.endedAt(at);
            silences.put(id, ended);
            return Uni.createFrom().item(Optional.of(ended));
        }
    }

    /** Called holding {@code silences}: drops the silences that ended longer than the retention ago. */
    private void forgetEndedSilences() {
        Instant oldest = clock.instant().minus(retention);
        silences.values().removeIf(s -> s.endsAt().isBefore(oldest));
    }

    private Uni<Void> update(ActionKey key, UnaryOperator<ActionRecord> change) {
        Entry entry = entry(key.eventId(), clock.instant());
        synchronized (entry) {
            ActionRecord current = entry.actions.get(key);
            if (current == null) {
                current = new ActionRecord(key, "unknown", ActionState.PENDING, 1, null, null, null, clock.instant(),
                        clock.instant(), null, null);
            }
            ActionRecord changed = change.apply(current);
            if (current.state().isFinal() && changed.state() != current.state()) {
                // A late outcome (of a claim whose lease had lapsed) never changes a final state: a transient
                // failure arriving after a success must not make the action owed again. The same state may
                // be recorded again with new details (a deployment watch adds its outcome to the success).
                return Uni.createFrom().voidItem();
            }
            entry.actions.put(key, changed);
        }
        return Uni.createFrom().voidItem();
    }

    @Override
    public Uni<Optional<ActionRecord>> action(ActionKey key) {
        Entry entry = live(key.eventId());
        if (entry == null) {
            return Uni.createFrom().item(Optional.empty());
        }
        synchronized (entry) {
            return Uni.createFrom().item(Optional.ofNullable(entry.actions.get(key)));
        }
    }

    @Override
    public Uni<List<EventHistory>> recent(int limit) {
        List<EventHistory> out = new ArrayList<>();
        Instant oldest = clock.instant().minus(retention);
        for (Iterator<Entry> it = order.descendingIterator(); it.hasNext() && out.size() < limit;) {
            Entry entry = it.next();
            if (entry.created.isBefore(oldest) || entries.get(entry.eventId) != entry) {
                continue;
            }
            history(entry).ifPresent(out::add);
        }
        return Uni.createFrom().item(out);
    }

    @Override
    public Uni<Optional<EventHistory>> event(String eventId) {
        Entry entry = live(eventId);
        return Uni.createFrom().item(entry == null ? Optional.empty() : history(entry));
    }

    @Override
    public Uni<HistoryPage> search(HistoryQuery query) {
        List<EventHistory> out = new ArrayList<>();
        Instant oldest = clock.instant().minus(retention);
        int scanned = 0;
        Entry last = null;
        Iterator<Entry> it = order.descendingIterator();
        while (it.hasNext() && out.size() < query.limit() && scanned < query.scanLimit()) {
            Entry entry = it.next();
            if (query.before() != null && entry.seq >= query.before().position()) {
                continue;
            }
            if (entry.created.isBefore(oldest) || entries.get(entry.eventId) != entry) {
                continue;
            }
            scanned++;
            last = entry;
            history(entry).filter(h -> query.inRange(h.event().firstReceivedAt()) && query.test(h)).ifPresent(out::add);
        }
        HistoryQuery.Cursor next = last != null && it.hasNext() ? new HistoryQuery.Cursor(last.seq, last.eventId) : null;
        return Uni.createFrom().item(new HistoryPage(out, next, scanned));
    }

    /** Estimated characters of an event's explanation (rule names and reasons). */
    private static long explanationSize(EventRecord event) {
        long n = 0;
        for (RuleVerdict v : event.explanation()) {
            n += 48 + v.rule().length() + (v.filter() == null ? 0 : v.filter().length())
                    + v.reasonLength();
        }
        return n;
    }

    @Override
    public Uni<Integer> reopenFailed(String eventId) {
        Entry entry = live(eventId);
        if (entry == null) {
            return Uni.createFrom().item(0);
        }
        int reopened = 0;
        synchronized (entry) {
            for (Map.Entry<ActionKey, ActionRecord> e : entry.actions.entrySet()) {
                ActionRecord r = e.getValue();
                if (r.state() == ActionState.FAILED) {
                    e.setValue(new ActionRecord(r.key(), r.kind(), ActionState.PENDING, r.attempts(), r.lastError(),
                            r.externalId(), "reopened for replay", r.firstAttemptAt(), clock.instant(), null, null));
                    reopened++;
                }
            }
        }
        return Uni.createFrom().item(reopened);
    }

    @Override
    public Uni<Long> size() {
        return Uni.createFrom().item((long) entries.size());
    }

    @Override
    public Uni<Void> saveWatch(Watch watch) {
        synchronized (watches) {
            watches.put(watch.key(), watch);
        }
        return Uni.createFrom().voidItem();
    }

    @Override
    public Uni<Void> closeWatch(ActionKey key) {
        synchronized (watches) {
            watches.remove(key);
        }
        return Uni.createFrom().voidItem();
    }

    @Override
    public Uni<List<Watch>> openWatches() {
        synchronized (watches) {
            List<Watch> open = new ArrayList<>(watches.values());
            open.sort(Comparator.comparing(Watch::startedAt)); // oldest first, as the interface says
            return Uni.createFrom().item(open);
        }
    }

    private Optional<EventHistory> history(Entry entry) {
        synchronized (entry) {
            if (entry.event == null && entry.actions.isEmpty()) {
                return Optional.empty();
            }
            EventRecord event = entry.event != null ? entry.event
                    : new EventRecord(entry.eventId, null, null, null, entry.created, entry.created, 0, List.of(),
                            null, null);
            List<ActionRecord> actions = new ArrayList<>(entry.actions.values());
            actions.sort(BY_RULE_AND_INDEX);
            return Optional.of(new EventHistory(event, actions));
        }
    }

    private Entry live(String eventId) {
        Entry entry = entries.get(eventId);
        if (entry != null && entry.created.isBefore(clock.instant().minus(retention))) {
            drop(entry);
            return null;
        }
        return entry;
    }

    private Entry entry(String eventId, Instant now) {
        Entry existing = live(eventId);
        if (existing != null) {
            return existing;
        }
        Entry fresh = new Entry(eventId, now);
        synchronized (fresh) { // an eventSeen of the same id waits, so its size is counted after this one
            Entry raced = entries.putIfAbsent(eventId, fresh);
            if (raced != null) {
                return raced;
            }
            bytes.addAndGet(fresh.size);
        }
        synchronized (order) { // the deque's order is the sequence's, so a search cursor skips nothing
            fresh.seq = ++sequence;
            order.addLast(fresh);
        }
        evict(now, fresh);
        return fresh;
    }

    /** Removes an entry from the index, and its size from the budget, unless another thread did first. */
    private void drop(Entry entry) {
        synchronized (entry) {
            if (entries.remove(entry.eventId, entry)) {
                bytes.addAndGet(-entry.size);
            }
        }
    }

    /** Drops expired entries from the old end, and the oldest beyond the bounds (never the one just added). */
    private void evict(Instant now, Entry fresh) {
        Instant oldest = now.minus(retention);
        for (Entry head = order.peekFirst(); head != null && head != fresh; head = order.peekFirst()) {
            boolean stale = entries.get(head.eventId) != head;
            if (stale || head.created.isBefore(oldest) || entries.size() > maxEvents || bytes.get() > maxBytes) {
                if (order.remove(head) && !stale) {
                    drop(head);
                }
            } else {
                break;
            }
        }
    }

    // Digest groups: InMemoryDigestGroups.

    @Override
    public Uni<Void> grouped(ActionKey key, String groupId, String detail) {
        return update(key, r -> new ActionRecord(key, r.kind(), ActionState.GROUPED, r.attempts(), r.lastError(),
                groupId, detail, r.firstAttemptAt(), clock.instant(), null, null));
    }

    @Override
    public Uni<DigestGroup> groupAdd(DigestGroup group, GroupEntry entry, int maxListed) {
        return Uni.createFrom().item(() -> groups.add(group, entry, maxListed));
    }

    @Override
    public Uni<List<String>> dueGroups(Instant by, int limit) {
        return Uni.createFrom().item(() -> groups.due(by, limit));
    }

    @Override
    public Uni<Optional<GroupBatch>> takeGroup(String groupId, Duration lease, Instant by) {
        return Uni.createFrom().item(() -> groups.take(groupId, lease, by));
    }

    @Override
    public Uni<Void> groupSent(String groupId, long seq) {
        return Uni.createFrom().voidItem().invoke(() -> groups.sent(groupId, seq));
    }

    @Override
    public Uni<Void> groupRetry(String groupId, long seq, Duration after) {
        return Uni.createFrom().voidItem().invoke(() -> groups.retry(groupId, seq, after));
    }

    @Override
    public Uni<Long> groupedEvents() {
        return Uni.createFrom().item(groups::events);
    }
}
