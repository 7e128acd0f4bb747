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
 * aer:{EVENT_ID}:group:RULE/INDEX   string  the digest group holding that grouped action (JSON), kept ledger.retention
 * aer:{g:GROUP_ID}:group            hash    a digest group: spec (JSON), wait, interval (ms), firstAt, lastSent, due,
 *                                           seq, batchOpen, pendingCount, batchCount, leaseOwner, leaseUntil
 * aer:{g:GROUP_ID}:pending          list    events waiting for the next batch (JSON: event id, rule, index, raw, at)
 * aer:{g:GROUP_ID}:batch            list    the batch taken and not sent yet
 * aer:{g:GROUP_ID}:members          set     the grouped actions the group ever took (a redelivery is not added twice)
 * aer:groups:due                    zset    group ids scored by when to look at them next (epoch ms); a hint, the
 *                                           group's hash decides
 * aer:limit:{BUCKET}:admitted       zset    the actions a rate limit admitted (RULE/INDEX of EVENT_ID) by time;
 *                                           BUCKET is a hash of rule, action index and rendered key
 * aer:limit:{BUCKET}:limited        zset    the actions it limited, by time (kept for the retention)
 * aer:{silences}:all                hash    silence id -&gt; the silence of the admin API (JSON)
 * aer:{silences}:forget             zset    silence ids scored by when they are forgotten (end + retention)
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

    String groupMember(ActionKey key) {
        return prefix + "{" + key.eventId() + "}:group:" + field(key);
    }

    String group(String groupId) {
        return prefix + "{g:" + groupId + "}:group";
    }

    String groupPending(String groupId) {
        return prefix + "{g:" + groupId + "}:pending";
    }

    String groupBatch(String groupId) {
        return prefix + "{g:" + groupId + "}:batch";
    }

    String groupMembers(String groupId) {
        return prefix + "{g:" + groupId + "}:members";
    }

    String groupsDue() {
        return prefix + "groups:due";
    }

    String limitAdmitted(String bucket) {
        return prefix + "limit:{" + bucketHash(bucket) + "}:admitted";
    }

    String limitLimited(String bucket) {
        return prefix + "limit:{" + bucketHash(bucket) + "}:limited";
    }

    String silences() {
        return prefix + "{silences}:all";
    }

    String silencesForget() {
        return prefix + "{silences}:forget";
    }

    /** A rate limit bucket as a key part: rendered keys may hold any text, braces included. */
    static String bucketHash(String bucket) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(bucket.getBytes(java.nio.charset.StandardCharsets.UTF_8)), 0, 20);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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
