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
            String raw, Map<String, String> delivery) {
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
                event.matchedRules(), event.outcome(), event.raw(), event.delivery()));
        return RedisScripts.EVENT_SEEN.run(redis, List.of(keys.event(event.id())), meta, now, ms(retention))
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
