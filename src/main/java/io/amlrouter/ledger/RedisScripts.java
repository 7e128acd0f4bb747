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
            if r and (r.state == 'SUCCEEDED' or r.state == 'FAILED') then return {'done', raw} end
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
            if (r.state == 'SUCCEEDED' or r.state == 'FAILED') and r.state ~= ARGV[2] then return 0 end
            if holder and not mine and ARGV[2] == 'PENDING' then return 0 end
            local v = cjson.decode(ARGV[6])
            r.state = ARGV[2]
            r.updatedAt = now
            r.owner = nil
            r.leaseUntil = nil
            if ARGV[2] == 'SUCCEEDED' then
              r.externalId = v.externalId
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
