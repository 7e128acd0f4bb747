package io.amlrouter.ledger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.hash.ReactiveHashCommands;
import io.quarkus.redis.datasource.sortedset.ZRangeArgs;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

/**
 * The ledger shared by every replica, in Redis: the same semantics as {@link InMemoryLedger}, made
 * atomic across replicas by a {@code SET NX PX} claim per action and Lua scripts for every state change
 * ({@link RedisScripts}). Survives restarts of the router; entries expire {@code ledger.retention}
 * (25 h) after their last write. Key layout: {@link RedisKeys}. Every failure to reach Redis fails the
 * returned {@code Uni}, so the delivery is answered 503 and Event Grid redelivers: never a 2xx without
 * a record.
 */
public final class RedisLedger implements OutcomeLedger {

    /** An event's fields as stored in its hash's {@code meta} field. */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record StoredEvent(String id, String type, String subject, String topic, List<String> matchedRules, String outcome,
            String raw, String rulesVersion, String runId, List<String> models, List<RuleVerdict> explanation,
            List<String> silencedBy, Map<String, String> delivery) {
    }

    /** A silence as stored (times in epoch ms). */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record StoredSilence(String id, String filter, long startsAt, long endsAt, String comment, String createdBy,
            long createdAt) {
    }

    /** The searchable fields of an event, in its hash's {@code idx} field: read by a search without the raw event. */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record StoredIndex(String type, String subject, String runId, List<String> models, List<String> matchedRules,
            String outcome) {
    }

    /** An action's record as stored (times in epoch ms). */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record StoredAction(String kind, String state, int attempts, String lastError, String externalId, String detail,
            Long firstAttemptAt, Long updatedAt, String owner, Long leaseUntil) {
    }

    /** An open watch as stored (times in epoch ms). */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record StoredWatch(String eventId, String rule, int action, String kind, String operationUrl,
            Map<String, String> attributes, long startedAt, long until) {
    }

    /** The optional values of an outcome. */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record OutcomeValues(String lastError, String externalId, String detail) {
    }

    /** A digest group's spec as stored (durations in ms). */
    @RegisterForReflection
    record StoredGroup(String id, String rule, int actionIndex, String key, long waitMs, long intervalMs) {
    }

    /** An event in a digest group as stored. */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record StoredEntry(String eventId, String rule, int action, String raw, long at) {
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final ReactiveRedisDataSource redis;
    private final ReactiveHashCommands<String, String, String> hashes;
    private final RedisKeys keys;
    private final int maxEvents;
    private final Duration retention;
    private final Clock clock;
    private final String owner;

    public RedisLedger(ReactiveRedisDataSource redis, String keyPrefix, int maxEvents, Duration retention, Clock clock,
            String owner) {
        this.redis = redis;
        this.hashes = redis.hash(String.class, String.class, String.class);
        this.keys = new RedisKeys(keyPrefix);
        this.maxEvents = maxEvents;
        this.retention = retention;
        this.clock = clock;
        this.owner = owner;
    }

    @Override
    public Uni<Long> eventSeen(EventRecord event) {
        String now = String.valueOf(clock.millis());
        String meta = write(new StoredEvent(event.id(), event.type(), event.subject(), event.topic(),
                event.matchedRules(), event.outcome(), event.raw(), event.rulesVersion(), event.runId(), event.models(),
                event.explanation(), event.silencedBy().isEmpty() ? null : event.silencedBy(), event.delivery()));
        String index = write(new StoredIndex(event.type(), event.subject(), event.runId(), event.models(),
                event.matchedRules(), event.outcome()));
        return RedisScripts.EVENT_SEEN.run(redis, List.of(keys.event(event.id())), meta, now, ms(retention), index)
                .chain(deliveries -> deliveries.toLong() == 1
                        ? RedisScripts.RECENT_ADD.run(redis, List.of(keys.recent()), event.id(), now, ms(retention),
                                String.valueOf(maxEvents)).replaceWith(1L)
                        : Uni.createFrom().item(deliveries.toLong()));
    }

    @Override
    public Uni<Claim> claim(ActionKey key, String kind, Duration lease) {
        long now = clock.millis();
        return RedisScripts.CLAIM.run(redis, List.of(keys.actions(key.eventId()), keys.claim(key)),
                RedisKeys.field(key), kind, owner, String.valueOf(now), ms(lease), ms(retention))
                .map(r -> {
                    String verdict = r.get(0).toString();
                    String raw = text(r.get(1));
                    if (verdict.equals("granted")) {
                        return new Claim.Granted(record(key, raw));
                    }
                    if (verdict.equals("done")) {
                        return new Claim.AlreadyDone(record(key, raw));
                    }
                    String holder = text(r.get(2));
                    long ttl = r.get(3) == null ? 0 : r.get(3).toLong();
                    ActionRecord held = raw == null ? null : record(key, raw);
                    Instant until = Instant.ofEpochMilli(now + Math.max(0, ttl));
                    return new Claim.HeldElsewhere(new ActionRecord(key, held == null ? kind : held.kind(),
                            ActionState.CLAIMED, held == null ? 1 : held.attempts(), held == null ? null : held.lastError(),
                            held == null ? null : held.externalId(), null,
                            held == null ? Instant.ofEpochMilli(now) : held.firstAttemptAt(),
                            held == null ? Instant.ofEpochMilli(now) : held.updatedAt(), holder, until));
                });
    }

    @Override
    public Uni<Void> succeeded(ActionKey key, String externalId, String detail) {
        return outcome(key, ActionState.SUCCEEDED, new OutcomeValues(null, externalId, detail));
    }

    @Override
    public Uni<Void> failedPermanently(ActionKey key, String reason) {
        return outcome(key, ActionState.FAILED, new OutcomeValues(reason, null, null));
    }

    @Override
    public Uni<Void> failedTransiently(ActionKey key, String reason) {
        return outcome(key, ActionState.PENDING, new OutcomeValues(reason, null, null));
    }

    private Uni<Void> outcome(ActionKey key, ActionState state, OutcomeValues values) {
        return RedisScripts.OUTCOME.run(redis, List.of(keys.actions(key.eventId()), keys.claim(key)),
                RedisKeys.field(key), state.name(), owner, String.valueOf(clock.millis()), ms(retention), write(values))
                .replaceWithVoid();
    }

    @Override
    public Uni<Optional<ActionRecord>> action(ActionKey key) {
        return hashes.hget(keys.actions(key.eventId()), RedisKeys.field(key))
                .map(raw -> Optional.ofNullable(raw).map(r -> record(key, r)));
    }

    @Override
    public Uni<List<EventHistory>> recent(int limit) {
        if (limit <= 0) {
            return Uni.createFrom().item(List.of());
        }
        return redis.sortedSet(String.class).zrange(keys.recent(), 0, limit - 1, new ZRangeArgs().rev())
                .chain(ids -> {
                    if (ids.isEmpty()) {
                        return Uni.createFrom().item(List.<EventHistory>of());
                    }
                    List<Uni<Optional<EventHistory>>> reads = ids.stream().map(this::event).toList();
                    return Uni.join().all(reads).andFailFast()
                            .map(all -> all.stream().flatMap(Optional::stream).toList());
                });
    }

    @Override
    public Uni<Optional<EventHistory>> event(String eventId) {
        Uni<Map<String, String>> event = hashes.hgetall(keys.event(eventId));
        Uni<Map<String, String>> actions = hashes.hgetall(keys.actions(eventId));
        return Uni.combine().all().unis(event, actions).asTuple().map(t -> history(eventId, t.getItem1(), t.getItem2()));
    }

    /** Event ids read from the recent index at a time by a search. */
    private static final int SEARCH_BATCH = 100;

    /**
     * Reads the recent index newest first, {@link #SEARCH_BATCH} ids at a time, and tests each event's searchable
     * fields ({@code idx}, without the raw event) and its actions in Java; reads the matching events in full. Bounded
     * by the query's scan limit: the index holds at most {@code ledger.max-events} ids.
     */
    @Override
    public Uni<HistoryPage> search(HistoryQuery query) {
        long max = Long.MAX_VALUE;
        if (query.before() != null) {
            max = query.before().position();
        }
        if (query.to() != null) {
            Instant to = query.to();
            long toMax = to.getNano() % 1_000_000 == 0 ? to.toEpochMilli() - 1 : to.toEpochMilli();
            max = Math.min(max, toMax);
        }
        String min = query.from() == null ? "-inf"
                : String.valueOf(query.from().getNano() % 1_000_000 == 0 ? query.from().toEpochMilli()
                        : query.from().toEpochMilli() + 1);
        String maxArg = max == Long.MAX_VALUE ? "+inf" : String.valueOf(max);
        return searchFrom(query, maxArg, min, 0, new ArrayList<>(), 0);
    }

    private Uni<HistoryPage> searchFrom(HistoryQuery query, String max, String min, int offset, List<String> found,
            int scannedBefore) {
        return redis.execute("ZRANGE", keys.recent(), max, min, "BYSCORE", "REV", "LIMIT", String.valueOf(offset),
                String.valueOf(SEARCH_BATCH), "WITHSCORES").chain(r -> {
                    List<String> ids = new ArrayList<>();
                    List<Long> scores = new ArrayList<>();
                    collectScored(r, ids, scores);
                    List<Uni<Optional<EventHistory>>> reads = ids.stream().map(this::searchable).toList();
                    Uni<List<Optional<EventHistory>>> all = reads.isEmpty() ? Uni.createFrom().item(List.of())
                            : Uni.join().all(reads).andFailFast();
                    return all.chain(histories -> {
                        int scanned = scannedBefore;
                        HistoryQuery.Cursor last = null;
                        for (int i = 0; i < ids.size(); i++) {
                            String id = ids.get(i);
                            long score = scores.get(i);
                            if (query.before() != null && score == query.before().position()
                                    && id.compareTo(query.before().id()) >= 0) {
                                continue;
                            }
                            Optional<EventHistory> h = histories.get(i);
                            if (h.isEmpty()) {
                                continue; // expired while still indexed
                            }
                            scanned++;
                            last = new HistoryQuery.Cursor(score, id);
                            if (query.inRange(h.get().event().firstReceivedAt()) && query.test(h.get())) {
                                found.add(id);
                            }
                            if (found.size() == query.limit() || scanned >= query.scanLimit()) {
                                boolean more = i < ids.size() - 1 || ids.size() == SEARCH_BATCH;
                                return page(found, more ? last : null, scanned);
                            }
                        }
                        if (ids.size() < SEARCH_BATCH) {
                            return page(found, null, scanned);
                        }
                        return searchFrom(query, max, min, offset + ids.size(), found, scanned);
                    });
                });
    }

    private Uni<HistoryPage> page(List<String> ids, HistoryQuery.Cursor next, int scanned) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(new HistoryPage(List.of(), next, scanned));
        }
        return Uni.join().all(ids.stream().map(this::event).toList()).andFailFast()
                .map(all -> new HistoryPage(all.stream().flatMap(Optional::stream).toList(), next, scanned));
    }

    /** An event's searchable fields and its actions, without the raw event; the full event where not indexed. */
    private Uni<Optional<EventHistory>> searchable(String eventId) {
        Uni<List<String>> event = hashes.hmget(keys.event(eventId), "first", "idx")
                .map(m -> java.util.Arrays.asList(m.get("first"), m.get("idx")));
        Uni<Map<String, String>> actions = hashes.hgetall(keys.actions(eventId));
        return Uni.combine().all().unis(event, actions).asTuple().chain(t -> {
            String first = t.getItem1().get(0);
            String idx = t.getItem1().get(1);
            if (first == null || idx == null) {
                return event(eventId); // recorded before the index field (or only its actions are left)
            }
            StoredIndex s = read(idx, StoredIndex.class);
            Instant at = instant(first);
            EventRecord record = new EventRecord(eventId, s.type(), s.subject(), null, at, at, 0,
                    s.matchedRules() == null ? List.of() : s.matchedRules(), s.outcome(), null, null, s.runId(),
                    s.models(), List.of());
            List<ActionRecord> records = new ArrayList<>();
            t.getItem2().forEach((field, raw) -> records.add(record(RedisKeys.key(eventId, field), raw)));
            return Uni.createFrom().item(Optional.of(new EventHistory(record, records)));
        });
    }

    /** The members and scores of a {@code ZRANGE ... WITHSCORES} reply (RESP2: flat; RESP3: pairs). */
    private static void collectScored(Response r, List<String> ids, List<Long> scores) {
        if (r == null || r.size() == 0) {
            return;
        }
        if (r.get(0).type() == io.vertx.redis.client.ResponseType.MULTI) {
            for (int i = 0; i < r.size(); i++) {
                ids.add(r.get(i).get(0).toString());
                scores.add((long) Double.parseDouble(r.get(i).get(1).toString()));
            }
            return;
        }
        for (int i = 0; i + 1 < r.size(); i += 2) {
            ids.add(r.get(i).toString());
            scores.add((long) Double.parseDouble(r.get(i + 1).toString()));
        }
    }

    @Override
    public Uni<Integer> reopenFailed(String eventId) {
        return RedisScripts.REOPEN_FAILED.run(redis, List.of(keys.actions(eventId)), String.valueOf(clock.millis()),
                ms(retention)).map(Response::toInteger);
    }

    @Override
    public Uni<Long> size() {
        return redis.sortedSet(String.class).zcard(keys.recent());
    }

    /** How long a watch's key outlives the moment its watcher gives up (a restart resumes it until then). */
    private static final Duration WATCH_GRACE = Duration.ofHours(1);

    @Override
    public Uni<Void> saveWatch(Watch watch) {
        ActionKey key = watch.key();
        String json = write(new StoredWatch(key.eventId(), key.rule(), key.actionIndex(), watch.kind(),
                watch.operationUrl(), watch.attributes(), watch.startedAt().toEpochMilli(), watch.until().toEpochMilli()));
        long expiresAt = watch.until().plus(WATCH_GRACE).toEpochMilli();
        // Indexed first: a watch key without its index entry would never be resumed, while an index entry
        // without its key is dropped by openWatches().
        return RedisScripts.INDEX_WATCH.run(redis, List.of(keys.watches()), keys.watch(key),
                String.valueOf(watch.startedAt().toEpochMilli()), String.valueOf(expiresAt), String.valueOf(clock.millis()))
                .chain(() -> redis.execute("SET", keys.watch(key), json, "PXAT", String.valueOf(expiresAt)))
                .replaceWithVoid();
    }

    @Override
    public Uni<Void> closeWatch(ActionKey key) {
        return redis.execute("DEL", keys.watch(key))
                .chain(() -> redis.execute("ZREM", keys.watches(), keys.watch(key))).replaceWithVoid();
    }

    @Override
    public Uni<List<Watch>> openWatches() {
        return redis.sortedSet(String.class).zrange(keys.watches(), 0, -1).chain(watchKeys -> {
            if (watchKeys.isEmpty()) {
                return Uni.createFrom().item(List.<Watch>of());
            }
            return redis.value(String.class).mget(watchKeys.toArray(String[]::new)).chain(found -> {
                List<Watch> open = new ArrayList<>();
                List<String> gone = new ArrayList<>();
                for (String k : watchKeys) {
                    String json = found.get(k);
                    if (json == null) {
                        gone.add(k);
                        continue;
                    }
                    StoredWatch w = read(json, StoredWatch.class);
                    open.add(new Watch(new ActionKey(w.eventId(), w.rule(), w.action()), w.kind(), w.operationUrl(),
                            w.attributes() == null ? Map.of() : w.attributes(), Instant.ofEpochMilli(w.startedAt()),
                            Instant.ofEpochMilli(w.until())));
                }
                Uni<?> forget = gone.isEmpty() ? Uni.createFrom().voidItem()
                        : redis.sortedSet(String.class).zrem(keys.watches(), gone.toArray(String[]::new));
                return forget.replaceWith(open);
            });
        });
    }

    @Override
    public Uni<Void> grouped(ActionKey key, String groupId, String detail) {
        return outcome(key, ActionState.GROUPED, new OutcomeValues(null, groupId, detail));
    }

    @Override
    public Uni<DigestGroup> groupAdd(DigestGroup wanted, GroupEntry entry, int maxListed) {
        // The marker lives with the event's keys and the group in its own slot (cluster hash tags), so two steps:
        // the marker says which group holds the action (the first one, even if the key now renders otherwise), and
        // the group's member set makes the add itself idempotent.
        return RedisScripts.GROUP_MEMBER.run(redis, List.of(keys.groupMember(entry.key())), write(stored(wanted)),
                ms(retention)).chain(held -> {
                    DigestGroup group = group(read(held.toString(), StoredGroup.class));
                    String id = group.id();
                    String json = write(new StoredEntry(entry.key().eventId(), entry.key().rule(),
                            entry.key().actionIndex(), entry.raw(), entry.at().toEpochMilli()));
                    return RedisScripts.GROUP_ADD.run(redis, List.of(keys.group(id), keys.groupPending(id),
                            keys.groupMembers(id)), entry.key().id(), json, String.valueOf(clock.millis()),
                            ms(group.groupWait()), ms(group.interval()), String.valueOf(maxListed), ms(retention),
                            write(stored(group)))
                            .chain(r -> index(id, r.get(1).toLong())).replaceWith(group);
                });
    }

    @Override
    public Uni<List<String>> dueGroups(Instant by, int limit) {
        return redis.execute("ZRANGE", keys.groupsDue(), "-inf", String.valueOf(by.toEpochMilli()), "BYSCORE", "LIMIT",
                "0", String.valueOf(limit))
                .map(r -> {
                    List<String> ids = new ArrayList<>();
                    r.forEach(item -> ids.add(item.toString()));
                    return ids;
                });
    }

    @Override
    public Uni<Optional<GroupBatch>> takeGroup(String groupId, Duration lease, Instant by) {
        return RedisScripts.GROUP_TAKE.run(redis, List.of(keys.group(groupId), keys.groupPending(groupId),
                keys.groupBatch(groupId)), owner, String.valueOf(clock.millis()), ms(lease),
                String.valueOf(by.toEpochMilli()))
                .chain(r -> {
                    String verdict = r.get(0).toString();
                    if (verdict.equals("idle")) {
                        return index(groupId, -1).replaceWith(Optional.<GroupBatch>empty());
                    }
                    long when = Long.parseLong(r.get(1).toString());
                    if (verdict.equals("later")) {
                        return index(groupId, when).replaceWith(Optional.<GroupBatch>empty());
                    }
                    DigestGroup group = group(read(r.get(4).toString(), StoredGroup.class));
                    List<GroupEntry> entries = new ArrayList<>();
                    for (int i = 5; i < r.size(); i++) {
                        StoredEntry e = read(r.get(i).toString(), StoredEntry.class);
                        entries.add(new GroupEntry(new ActionKey(e.eventId(), e.rule(), e.action()), e.raw(),
                                Instant.ofEpochMilli(e.at())));
                    }
                    GroupBatch batch = new GroupBatch(group, Long.parseLong(r.get(2).toString()), entries,
                            Integer.parseInt(r.get(3).toString()));
                    return index(groupId, when).replaceWith(Optional.of(batch));
                });
    }

    @Override
    public Uni<Void> groupSent(String groupId, long seq) {
        return RedisScripts.GROUP_SENT.run(redis, List.of(keys.group(groupId), keys.groupBatch(groupId)),
                String.valueOf(seq), String.valueOf(clock.millis()))
                .chain(r -> index(groupId, r.toLong()));
    }

    @Override
    public Uni<Void> groupRetry(String groupId, long seq, Duration after) {
        return RedisScripts.GROUP_RETRY.run(redis, List.of(keys.group(groupId)), String.valueOf(seq), owner,
                String.valueOf(clock.millis()), ms(after))
                .chain(r -> index(groupId, r.toLong()));
    }

    /** Most groups the pending-digest gauge reads (each one read per scrape). */
    private static final int GAUGE_GROUPS = 1_000;

    @Override
    public Uni<Long> groupedEvents() {
        return redis.sortedSet(String.class).zrange(keys.groupsDue(), 0, GAUGE_GROUPS - 1).chain(ids -> {
            if (ids.isEmpty()) {
                return Uni.createFrom().item(0L);
            }
            List<Uni<Long>> reads = ids.stream().map(id -> hashes.hmget(keys.group(id), "pendingCount", "batchCount",
                    "batchOpen").map(h -> number(h.get("pendingCount"))
                            + ("1".equals(h.get("batchOpen")) ? number(h.get("batchCount")) : 0))).toList();
            return Uni.join().all(reads).andFailFast().map(all -> all.stream().mapToLong(Long::longValue).sum());
        });
    }

    /** Keeps the due index in step with a group's hash: scored by its next due, or dropped (-1). */
    private Uni<Void> index(String groupId, long due) {
        if (due < 0) {
            return redis.sortedSet(String.class).zrem(keys.groupsDue(), groupId).replaceWithVoid();
        }
        return redis.sortedSet(String.class).zadd(keys.groupsDue(), due, groupId)
                .chain(() -> redis.execute("PEXPIRE", keys.groupsDue(), ms(retention))).replaceWithVoid();
    }

    private static StoredGroup stored(DigestGroup g) {
        return new StoredGroup(g.id(), g.rule(), g.actionIndex(), g.key(), g.groupWait().toMillis(), g.interval().toMillis());
    }

    private static DigestGroup group(StoredGroup g) {
        return new DigestGroup(g.id(), g.rule(), g.actionIndex(), g.key(), Duration.ofMillis(g.waitMs()),
                Duration.ofMillis(g.intervalMs()));
    }

    private static long number(String value) {
        return value == null ? 0 : Long.parseLong(value);
    }

    @Override
    public Uni<Void> limited(ActionKey key, String detail) {
        return outcome(key, ActionState.LIMITED, new OutcomeValues(null, null, detail));
    }

    @Override
    public Uni<LimitDecision> admit(ActionKey key, String bucket, int max, Duration per, Instant now) {
        return RedisScripts.ADMIT.run(redis, List.of(keys.limitAdmitted(bucket), keys.limitLimited(bucket)), key.id(),
                String.valueOf(now.toEpochMilli()), ms(per), String.valueOf(max), ms(retention))
                .map(r -> new LimitDecision(r.get(0).toString().equals("admitted"), r.get(1).toLong()));
    }

    @Override
    public Uni<Void> saveSilence(SilenceRecord s) {
        String json = write(new StoredSilence(s.id(), s.filter(), s.startsAt().toEpochMilli(), s.endsAt().toEpochMilli(),
                s.comment(), s.createdBy(), s.createdAt().toEpochMilli()));
        return RedisScripts.SAVE_SILENCE.run(redis, List.of(keys.silences(), keys.silencesForget()), s.id(), json,
                String.valueOf(s.endsAt().plus(retention).toEpochMilli()), String.valueOf(clock.millis()))
                .replaceWithVoid();
    }

    @Override
    public Uni<List<SilenceRecord>> silences() {
        long oldest = clock.instant().minus(retention).toEpochMilli();
        return hashes.hgetall(keys.silences()).map(all -> all.values().stream().map(RedisLedger::silence)
                .filter(s -> s.endsAt().toEpochMilli() >= oldest)
                .sorted(Comparator.comparing(SilenceRecord::createdAt).thenComparing(SilenceRecord::id)).toList());
    }

    @Override
    public Uni<Optional<SilenceRecord>> expireSilence(String id, Instant at) {
        return hashes.hget(keys.silences(), id).chain(raw -> {
            if (raw == null) {
                return Uni.createFrom().item(Optional.<SilenceRecord>empty());
            }
            SilenceRecord ended = silence(raw).endedAt(at);
            return saveSilence(ended).replaceWith(Optional.of(ended));
        });
    }

    private static SilenceRecord silence(String raw) {
        StoredSilence s = read(raw, StoredSilence.class);
        return new SilenceRecord(s.id(), s.filter(), Instant.ofEpochMilli(s.startsAt()), Instant.ofEpochMilli(s.endsAt()),
                s.comment(), s.createdBy(), Instant.ofEpochMilli(s.createdAt()));
    }

    private Optional<EventHistory> history(String eventId, Map<String, String> event, Map<String, String> actions) {
        if ((event == null || event.isEmpty()) && (actions == null || actions.isEmpty())) {
            return Optional.empty();
        }
        List<ActionRecord> records = new ArrayList<>();
        if (actions != null) {
            actions.forEach((field, raw) -> records.add(record(RedisKeys.key(eventId, field), raw)));
            records.sort(InMemoryLedger.BY_RULE_AND_INDEX);
        }
        EventRecord record;
        if (event == null || event.get("meta") == null) {
            Instant first = records.stream().map(ActionRecord::firstAttemptAt).min(Comparator.naturalOrder())
                    .orElse(clock.instant());
            record = new EventRecord(eventId, null, null, null, first, first, 0, List.of(), null, null);
        } else {
            StoredEvent meta = read(event.get("meta"), StoredEvent.class);
            record = new EventRecord(eventId, meta.type(), meta.subject(), meta.topic(), instant(event.get("first")),
                    instant(event.get("last")), Integer.parseInt(event.getOrDefault("deliveries", "0")),
                    meta.matchedRules() == null ? List.of() : meta.matchedRules(), meta.outcome(), meta.raw(),
                    meta.rulesVersion(), meta.runId(), meta.models(), meta.explanation(), meta.silencedBy(),
                    meta.delivery());
        }
        return Optional.of(new EventHistory(record, records));
    }

    private static ActionRecord record(ActionKey key, String raw) {
        StoredAction s = read(raw, StoredAction.class);
        return new ActionRecord(key, s.kind(), ActionState.valueOf(s.state()), s.attempts(), s.lastError(),
                s.externalId(), s.detail(), instant(s.firstAttemptAt()), instant(s.updatedAt()), s.owner(),
                instant(s.leaseUntil()));
    }

    private static Instant instant(Long millis) {
        return millis == null ? null : Instant.ofEpochMilli(millis);
    }

    private static Instant instant(String millis) {
        return millis == null ? null : Instant.ofEpochMilli(Long.parseLong(millis));
    }

    private static String text(Response r) {
        return r == null ? null : r.toString();
    }

    private static String ms(Duration d) {
        return String.valueOf(Math.max(1, d.toMillis()));
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T read(String json, Class<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable ledger entry: " + e.getOriginalMessage(), e);
        }
    }
}
