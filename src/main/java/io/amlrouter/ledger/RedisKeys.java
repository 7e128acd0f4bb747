package io.amlrouter.ledger;

/**
 * The Redis key layout of the ledger, all under one prefix ({@code ledger.redis.key-prefix}, {@code aer:}
 * by default). Every key expires: per-event keys {@code ledger.retention} after their last write, claims
 * after their lease.
 *
 * <pre>
 * aer:{EVENT_ID}:event              hash    meta (JSON: id, type, subject, topic, matched rules, outcome, raw),
 *                                           (and rules version, run id, models, per-rule explanation),
 *                                           first, last (epoch ms), deliveries, idx (JSON: the fields a search
 *                                           tests: type, subject, run id, models, matched rules, outcome)
 * aer:{EVENT_ID}:actions            hash    field RULE/INDEX -&gt; the action's record (JSON: kind, state,
 *                                           attempts, lastError, externalId, detail, times, owner, lease)
 * aer:{EVENT_ID}:claim:RULE/INDEX   string  the owner running the action; SET NX PX lease
 * aer:recent                        zset    event ids scored by first sight (epoch ms), capped at ledger.max-events
 * aer:{EVENT_ID}:watch:RULE/INDEX   string  an open watch (JSON), until it is closed; expires 1 h after it gives up
 * aer:watches                       zset    the open watches' keys scored by start (epoch ms)
 * </pre>
 *
 * The braces are a Redis Cluster hash tag: all keys of one event live in one slot, so the scripts that
 * touch an event's actions and claims together stay valid on a cluster.
 */
final class RedisKeys {

    private final String prefix;

    RedisKeys(String prefix) {
        this.prefix = prefix;
    }

    String event(String eventId) {
        return prefix + "{" + eventId + "}:event";
    }

    String actions(String eventId) {
        return prefix + "{" + eventId + "}:actions";
    }

    String claim(ActionKey key) {
        return prefix + "{" + key.eventId() + "}:claim:" + field(key);
    }

    String recent() {
        return prefix + "recent";
    }

    String watch(ActionKey key) {
        return prefix + "{" + key.eventId() + "}:watch:" + field(key);
    }

    String watches() {
        return prefix + "watches";
    }

    /** The field of an action in its event's actions hash. */
    static String field(ActionKey key) {
        return key.rule() + "/" + key.actionIndex();
    }

    /** The inverse of {@link #field(ActionKey)}; rule names never contain a slash. */
    static ActionKey key(String eventId, String field) {
        int slash = field.lastIndexOf('/');
        return new ActionKey(eventId, field.substring(0, slash), Integer.parseInt(field.substring(slash + 1)));
    }
}
