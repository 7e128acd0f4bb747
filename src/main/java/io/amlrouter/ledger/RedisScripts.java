package io.amlrouter.ledger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

/**
 * The Lua scripts that make the ledger's state changes atomic in Redis: each runs alone on the server,
 * so two replicas claiming the same action at the same moment cannot both be granted it, and a late
 * outcome cannot overwrite a final one. Action records are JSON (Redis' built-in cjson); times are epoch
 * milliseconds from the caller's clock, leases are Redis' own expiry ({@code SET NX PX}).
 */
final class RedisScripts {

    /**
     * KEYS: actions hash, claim key. ARGV: field, kind, owner, now, lease ms, retention ms.
     * Returns {"done"|"held"|"granted", record JSON or false}.
     */
    static final Script CLAIM = new Script("""
            local raw = redis.call('HGET', KEYS[1], ARGV[1])
            local r = nil
            if raw then r = cjson.decode(raw) end
            if r and (r.state == 'SUCCEEDED' or r.state == 'FAILED' or r.state == 'GROUPED' or r.state == 'LIMITED') then return {'done', raw} end
            if not redis.call('SET', KEYS[2], ARGV[3], 'NX', 'PX', ARGV[5]) then
              return {'held', raw or false, redis.call('GET', KEYS[2]) or false, redis.call('PTTL', KEYS[2])}
            end
            local now = tonumber(ARGV[4])
            if r == nil then r = {attempts = 0, firstAttemptAt = now} end
            r.kind = ARGV[2]
            r.state = 'CLAIMED'
            r.attempts = r.attempts + 1
            r.detail = nil
            r.updatedAt = now
            r.owner = ARGV[3]
            r.leaseUntil = now + tonumber(ARGV[5])
            local encoded = cjson.encode(r)
            redis.call('HSET', KEYS[1], ARGV[1], encoded)
            redis.call('PEXPIRE', KEYS[1], ARGV[6])
            return {'granted', encoded}
            """);

    /**
     * KEYS: actions hash, claim key. ARGV: field, new state, owner, now, retention ms, values JSON
     * (lastError, externalId, detail). Releases the owner's claim. A final state is never changed (the same
     * state may be recorded again with new details), and a transient failure does not overwrite the claim
     * another replica holds now. Returns 1 when recorded.
     */
    static final Script OUTCOME = new Script("""
            local raw = redis.call('HGET', KEYS[1], ARGV[1])
            local now = tonumber(ARGV[4])
            local r
            if raw then r = cjson.decode(raw) else r = {kind = 'unknown', attempts = 1, firstAttemptAt = now} end
            local holder = redis.call('GET', KEYS[2])
            local mine = holder == ARGV[3]
            if mine then redis.call('DEL', KEYS[2]) end
            if (r.state == 'SUCCEEDED' or r.state == 'FAILED' or r.state == 'GROUPED' or r.state == 'LIMITED') and r.state ~= ARGV[2] then return 0 end
            if holder and not mine and ARGV[2] == 'PENDING' then return 0 end
            local v = cjson.decode(ARGV[6])
            r.state = ARGV[2]
            r.updatedAt = now
            r.owner = nil
            r.leaseUntil = nil
            if ARGV[2] == 'SUCCEEDED' or ARGV[2] == 'GROUPED' then
              r.externalId = v.externalId
              r.detail = v.detail
            elseif ARGV[2] == 'LIMITED' then
              r.lastError = nil
              r.detail = v.detail
            else
              r.lastError = v.lastError
              r.detail = nil
            end
            redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(r))
            redis.call('PEXPIRE', KEYS[1], ARGV[5])
            return 1
            """);

    /** KEYS: actions hash. ARGV: now, retention ms. Makes every FAILED action PENDING; returns how many. */
    static final Script REOPEN_FAILED = new Script("""
            local all = redis.call('HGETALL', KEYS[1])
            local n = 0
            for i = 1, #all, 2 do
              local r = cjson.decode(all[i + 1])
              if r.state == 'FAILED' then
                r.state = 'PENDING'
                r.detail = 'reopened for replay'
                r.updatedAt = tonumber(ARGV[1])
                r.owner = nil
                r.leaseUntil = nil
                redis.call('HSET', KEYS[1], all[i], cjson.encode(r))
                n = n + 1
              end
            end
            if n > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
            return n
            """);

    /**
     * KEYS: event hash. ARGV: meta JSON, now, retention ms, and optionally the searchable fields' JSON (idx).
     * Counts the delivery, keeps the first sight. Returns the delivery count (1 = first sight).
     */
    static final Script EVENT_SEEN = new Script("""
            local n = redis.call('HINCRBY', KEYS[1], 'deliveries', 1)
            if n == 1 then redis.call('HSET', KEYS[1], 'first', ARGV[2]) end
            redis.call('HSET', KEYS[1], 'last', ARGV[2], 'meta', ARGV[1])
            if ARGV[4] then redis.call('HSET', KEYS[1], 'idx', ARGV[4]) end
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            return n
            """);

    /**
     * KEYS: recent index. ARGV: event id, now, retention ms, cap. Adds the id (first sight wins), drops ids
     * older than the retention and the oldest beyond the cap.
     */
    static final Script RECENT_ADD = new Script("""
            redis.call('ZADD', KEYS[1], 'NX', ARGV[2], ARGV[1])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. (tonumber(ARGV[2]) - tonumber(ARGV[3])))
            redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(tonumber(ARGV[4]) + 1))
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            return 1
            """);

    /**
     * KEYS: watches index. ARGV: watch key, started (epoch ms), expire-at (epoch ms), now (epoch ms).
     * Indexes an open watch; the index lives at least as long as the watch it holds.
     */
    static final Script INDEX_WATCH = new Script("""
            redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
            local want = math.max(tonumber(ARGV[3]) - tonumber(ARGV[4]), 1000)
            if redis.call('PTTL', KEYS[1]) < want then redis.call('PEXPIRE', KEYS[1], want) end
            return 1
            """);

    /**
     * KEYS: the action's group marker. ARGV: group spec JSON, retention ms. Records which group holds a grouped
     * action, unless one does already; returns the spec of the group that holds it.
     */
    static final Script GROUP_MEMBER = new Script("""
            local held = redis.call('GET', KEYS[1])
            if held then return held end
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            return ARGV[1]
            """);

    /**
     * KEYS: group hash, pending list, members set. ARGV: member (action key), entry JSON, now, wait ms, interval ms,
     * max listed, retention ms, spec JSON. Adds the event unless the group has it; the first event of a batch makes
     * the group due {@code wait} later, not before {@code interval} after the last digest (unless a batch is out:
     * the group is looked at again when it is sent). Returns {1 added | 0 had it, due ms or -1}.
     */
    static final Script GROUP_ADD = new Script("""
            local added = redis.call('SADD', KEYS[3], ARGV[1])
            if added == 1 then
              local now = tonumber(ARGV[3])
              if redis.call('HEXISTS', KEYS[1], 'spec') == 0 then
                redis.call('HSET', KEYS[1], 'spec', ARGV[8], 'seq', 0, 'pendingCount', 0, 'batchCount', 0, 'batchOpen', 0)
              end
              redis.call('HSET', KEYS[1], 'wait', ARGV[4], 'interval', ARGV[5])
              if redis.call('LLEN', KEYS[2]) < tonumber(ARGV[6]) then redis.call('RPUSH', KEYS[2], ARGV[2]) end
              redis.call('HINCRBY', KEYS[1], 'pendingCount', 1)
              if not redis.call('HGET', KEYS[1], 'firstAt') then
                redis.call('HSET', KEYS[1], 'firstAt', ARGV[3])
                if redis.call('HGET', KEYS[1], 'batchOpen') ~= '1' then
                  local due = now + tonumber(ARGV[4])
                  local last = redis.call('HGET', KEYS[1], 'lastSent')
                  if last then due = math.max(due, tonumber(last) + tonumber(ARGV[5])) end
                  redis.call('HSET', KEYS[1], 'due', string.format('%d', due))
                end
              end
              for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[7]) end
            end
            return {added, tonumber(redis.call('HGET', KEYS[1], 'due') or '-1')}
            """);

    /**
     * KEYS: group hash, pending list, batch list. ARGV: owner, now, lease ms, by (ms). Takes a group due by
     * {@code by} whose lease is free: the batch out, or the pending events as a new batch. Returns {'batch', lease
     * until, seq, count, spec, entries...}, {'later', when} or {'idle'} (nothing to send; dropped from the index).
     */
    static final Script GROUP_TAKE = new Script("""
            if redis.call('EXISTS', KEYS[1]) == 0 then return {'idle'} end
            local h = redis.call('HMGET', KEYS[1], 'due', 'leaseUntil', 'batchOpen', 'pendingCount')
            local now = tonumber(ARGV[2])
            if not h[1] then return {'idle'} end
            local due = tonumber(h[1])
            local lease = tonumber(h[2] or '0')
            if due > tonumber(ARGV[4]) or lease > now then return {'later', string.format('%d', math.max(due, lease))} end
            if h[3] ~= '1' then
              if tonumber(h[4]) == 0 then
                redis.call('HDEL', KEYS[1], 'due')
                return {'idle'}
              end
              redis.call('DEL', KEYS[3])
              if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('RENAME', KEYS[2], KEYS[3]) end
              redis.call('HINCRBY', KEYS[1], 'seq', 1)
              redis.call('HSET', KEYS[1], 'batchCount', h[4], 'pendingCount', 0, 'batchOpen', 1)
              redis.call('HDEL', KEYS[1], 'firstAt')
            end
            local untilMs = string.format('%d', now + tonumber(ARGV[3]))
            redis.call('HSET', KEYS[1], 'leaseOwner', ARGV[1], 'leaseUntil', untilMs, 'due', untilMs)
            local f = redis.call('HMGET', KEYS[1], 'seq', 'batchCount', 'spec')
            local out = {'batch', untilMs, f[1], f[2], f[3]}
            for _, e in ipairs(redis.call('LRANGE', KEYS[3], 0, -1)) do table.insert(out, e) end
            return out
            """);

    /**
     * KEYS: group hash, batch list. ARGV: seq, now. The batch {@code seq} is sent: drops it; the events that joined
     * since are due {@code wait} after the first of them, not before {@code interval} from now. Returns the next due
     * (ms) or -1.
     */
    static final Script GROUP_SENT = new Script("""
            local h = redis.call('HMGET', KEYS[1], 'batchOpen', 'seq', 'pendingCount', 'firstAt', 'wait', 'interval', 'due')
            if h[1] ~= '1' or h[2] ~= ARGV[1] then return tonumber(h[7] or '-1') end
            local now = tonumber(ARGV[2])
            redis.call('DEL', KEYS[2])
            redis.call('HSET', KEYS[1], 'batchOpen', 0, 'batchCount', 0, 'lastSent', ARGV[2])
            redis.call('HDEL', KEYS[1], 'leaseOwner', 'leaseUntil')
            if tonumber(h[3] or '0') > 0 then
              local due = math.max(tonumber(h[4] or ARGV[2]) + tonumber(h[5]), now + tonumber(h[6]))
              redis.call('HSET', KEYS[1], 'due', string.format('%d', due))
              return due
            end
            redis.call('HDEL', KEYS[1], 'due')
            return -1
            """);

    /**
     * KEYS: group hash. ARGV: seq, owner, now, after ms. The batch {@code seq} leased by {@code owner} could not be
     * sent: frees the lease, due again {@code after}. Returns the due (ms) or -1.
     */
    static final Script GROUP_RETRY = new Script("""
            local h = redis.call('HMGET', KEYS[1], 'batchOpen', 'seq', 'leaseOwner', 'due')
            if h[1] == '1' and h[2] == ARGV[1] and h[3] == ARGV[2] then
              local due = string.format('%d', tonumber(ARGV[3]) + tonumber(ARGV[4]))
              redis.call('HDEL', KEYS[1], 'leaseOwner', 'leaseUntil')
              redis.call('HSET', KEYS[1], 'due', due)
              return tonumber(due)
            end
            return tonumber(h[4] or '-1')
            """);

    /**
     * KEYS: the bucket's admitted zset, its limited zset. ARGV: action key, now (ms), window ms, max, retention ms.
     * Decides once per action key whether it runs under the rate limit: an action seen before gets its earlier
     * decision; otherwise it is admitted while fewer than max were admitted in the window (now - window, now],
     * and limited else. Admitted actions are kept for the longer of the window and the retention (so a
     * redelivery finds its decision), limited ones for the retention. Returns {"admitted"|"limited", in window}.
     */
    static final Script ADMIT = new Script("""
            local now = tonumber(ARGV[2])
            local per = tonumber(ARGV[3])
            local retention = tonumber(ARGV[5])
            local from = '(' .. (now - per)
            if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
              return {'admitted', redis.call('ZCOUNT', KEYS[1], from, '+inf')}
            end
            if redis.call('ZSCORE', KEYS[2], ARGV[1]) then
              return {'limited', redis.call('ZCOUNT', KEYS[1], from, '+inf')}
            end
            local keep = math.max(per, retention)
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. (now - keep))
            redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. (now - retention))
            local n = redis.call('ZCOUNT', KEYS[1], from, '+inf')
            if n < tonumber(ARGV[4]) then
              redis.call('ZADD', KEYS[1], now, ARGV[1])
              redis.call('PEXPIRE', KEYS[1], keep)
              return {'admitted', n + 1}
            end
            redis.call('ZADD', KEYS[2], now, ARGV[1])
            redis.call('PEXPIRE', KEYS[2], retention)
            return {'limited', n}
            """);

    /**
     * KEYS: silences hash, silences' forget-at zset. ARGV: id, silence JSON, forget at (epoch ms), now (epoch ms).
     * Stores a silence and forgets those whose forget-at has passed (the one stored too, if its own has); both keys
     * live as long as the last silence.
     */
    static final Script SAVE_SILENCE = new Script("""
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
            redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
            local gone = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[4])
            for _, id in ipairs(gone) do
              redis.call('HDEL', KEYS[1], id)
              redis.call('ZREM', KEYS[2], id)
            end
            local last = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
            if last[2] == nil then return 1 end
            local ttl = math.max(tonumber(last[2]) - tonumber(ARGV[4]), 1000)
            redis.call('PEXPIRE', KEYS[1], ttl)
            redis.call('PEXPIRE', KEYS[2], ttl)
            return 1
            """);

    private RedisScripts() {
    }

    /** A script sent by its SHA-1 ({@code EVALSHA}), and in full once when the server does not know it yet. */
    static final class Script {
        final String source;
        final String sha;

        Script(String source) {
            this.source = source;
            this.sha = sha1(source);
        }

        Uni<Response> run(ReactiveRedisDataSource redis, List<String> keys, String... args) {
            return redis.execute("EVALSHA", arguments(sha, keys, args))
                    .onFailure(t -> String.valueOf(t.getMessage()).startsWith("NOSCRIPT"))
                    .recoverWithUni(() -> redis.execute("EVAL", arguments(source, keys, args)));
        }

        private static String[] arguments(String script, List<String> keys, String... args) {
            List<String> all = new ArrayList<>(2 + keys.size() + args.length);
            all.add(script);
            all.add(String.valueOf(keys.size()));
            all.addAll(keys);
            all.addAll(List.of(args));
            return all.toArray(String[]::new);
        }

        private static String sha1(String text) {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                        .digest(text.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
