package io.amlrouter.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.amlrouter.support.RedisServer;
import io.quarkus.redis.runtime.datasource.ReactiveRedisDataSourceImpl;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;

/**
 * The ledger contract on Redis (a redis-server process of this test, {@link RedisServer}), plus what only Redis has: the
 * key layout and an expiry on every key. Each test gets its own key prefix, so tests share the server
 * without seeing each other's entries; "clients" are separate connections with their own owner names.
 */
class RedisLedgerTest extends OutcomeLedgerContract {

    private static final AtomicInteger PREFIXES = new AtomicInteger();

    private static RedisServer server;
    private static Vertx vertx;
    private static final List<Redis> CLIENTS = new ArrayList<>();

    private String prefix;

    @BeforeAll
    static void startRedis() {
        server = RedisServer.startNew();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopRedis() {
        CLIENTS.forEach(Redis::close);
        if (vertx != null) {
            vertx.closeAndAwait();
        }
        if (server != null) {
            server.stop();
        }
    }

    private RedisLedger connect(String owner, int maxEvents, Duration retention) {
        Redis redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(server.url()).setMaxPoolSize(4)
                .setMaxPoolWaiting(256));
        CLIENTS.add(redis);
        ReactiveRedisDataSourceImpl ds = new ReactiveRedisDataSourceImpl(vertx, redis, RedisAPI.api(redis));
        return new RedisLedger(ds, prefix, maxEvents, retention, Clock.systemUTC(), owner);
    }

    private String newPrefix() {
        prefix = "t" + PREFIXES.incrementAndGet() + ":aer:";
        return prefix;
    }

    @Override
    OutcomeLedger ledger(int maxEvents, Duration retention) {
        newPrefix();
        return connect("replica-a", maxEvents, retention);
    }

    /** Redis expires keys (leases, retention) itself, in real time: the tests' time is the real one. */
    @Override
    java.time.Instant now() {
        return java.time.Instant.now();
    }

    /** Waits {@code d}: Redis's own expiry (PEXPIRE) is what the contract's time tests check here. */
    @Override
    void pass(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }

    @Override
    List<OutcomeLedger> clients(int n) {
        newPrefix();
        List<OutcomeLedger> clients = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            clients.add(connect("replica-" + (char) ('a' + i), 1000, Duration.ofHours(25)));
        }
        return clients;
    }

    @Test
    void everyKeyIsNamespacedLaidOutAsDocumentedAndExpires() {
        OutcomeLedger ledger = ledger(1000, Duration.ofHours(25));
        String id = id();
        await(ledger.eventSeen(seen(id, "routed", "r")));
        ActionKey done = new ActionKey(id, "r", 0);
        ActionKey running = new ActionKey(id, "r", 1);
        await(ledger.claim(done, "email", LEASE));
        await(ledger.succeeded(done, null, "sent"));
        await(ledger.claim(running, "email", LEASE));
        java.time.Instant now = java.time.Instant.now();
        await(ledger.saveWatch(new Watch(done, "amlOnlineDeployment", "https://op", Map.of(), now,
                now.plus(Duration.ofHours(30)))));

        List<String> keys = server.keys(prefix + "*");
        assertThat(keys).containsExactlyInAnyOrder(prefix + "{" + id + "}:event", prefix + "{" + id + "}:actions",
                prefix + "{" + id + "}:claim:r/1", prefix + "recent", prefix + "{" + id + "}:watch:r/0",
                prefix + "watches");
        long retention = Duration.ofHours(25).toMillis();
        long watchLife = Duration.ofHours(31).toMillis();
        for (String key : keys) {
            long ttl = Long.parseLong(server.text("PTTL", key));
            long max = key.contains(":claim:") ? LEASE.toMillis() : key.contains("watch") ? watchLife : retention;
            assertThat(ttl).as("PTTL of %s", key).isPositive().isLessThanOrEqualTo(max);
        }
        assertThat(server.text("GET", prefix + "{" + id + "}:claim:r/1")).isEqualTo("replica-a");
    }

    @Test
    void anOutcomeReleasesTheClaimAndATransientOneNeverOverwritesAnotherReplicasClaim() throws InterruptedException {
        List<OutcomeLedger> replicas = clients(2);
        OutcomeLedger a = replicas.get(0);
        OutcomeLedger b = replicas.get(1);
        ActionKey key = new ActionKey(id(), "r", 0);
        Duration lease = Duration.ofMillis(200);
        await(a.claim(key, "email", lease));
        pass(lease.plus(JUST));
        assertThat(await(b.claim(key, "email", LEASE))).isInstanceOf(Claim.Granted.class);
        // a's lease had lapsed; its late transient failure must not make b's running action look idle
        await(a.failedTransiently(key, "timed out"));
        assertThat(await(a.claim(key, "email", LEASE))).isInstanceOf(Claim.HeldElsewhere.class)
                .extracting(c -> ((Claim) c).record().owner()).isEqualTo("replica-b");
        await(b.succeeded(key, null, "sent"));
        assertThat(server.text("EXISTS", prefix + "{" + key.eventId() + "}:claim:r/0")).isEqualTo("0");
        assertThat(await(a.claim(key, "email", LEASE))).isInstanceOf(Claim.AlreadyDone.class);
    }
}
