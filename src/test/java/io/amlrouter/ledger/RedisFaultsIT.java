package io.amlrouter.ledger;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.amlrouter.support.ActionTestSupport;
import io.amlrouter.support.Events;
import io.amlrouter.support.Http.Reply;
import io.amlrouter.support.Http;
import io.amlrouter.support.RedisServer;
import io.amlrouter.support.ServiceProcess;
import io.amlrouter.support.WireMockResource;
import io.amlrouter.support.WireMockStubs;

/**
 * The Redis ledger under load and faults, against the packaged service (one replica) and a Redis with
 * {@code appendonly yes}, as the shipped overlay runs it. Effects are webhook posts to WireMock
 * ({@code test-webhook} of {@code service-rules.yaml}: one post per event, naming its run id), counted per
 * event: every action must run exactly once, whatever Redis does, while deliveries are repeated as Event
 * Grid repeats them.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisFaultsIT {

    static final String HOOK = "/hooks/teams";
    static final Pattern RUN = Pattern.compile("Run (run_[0-9a-f]+) completed");

    static RedisServer redis;
    static WireMockResource peers;
    static WireMockServer wm;
    static WireMockStubs stubs;
    static ServiceProcess service;
    /** Threads for concurrent deliveries (the common pool has one thread on two cores). */
    static final ExecutorService POOL = Executors.newFixedThreadPool(48);

    @BeforeAll
    static void start() {
        redis = RedisServer.startWithAppendOnly();
        peers = new WireMockResource();
        Map<String, String> props = new HashMap<>(peers.start());
        wm = WireMockResource.server();
        stubs = new WireMockStubs(wm);
        props.put("ledger.store", "redis");
        props.put("quarkus.redis.hosts", redis.url());
        props.put("ledger.owner", "replica-a");
        props.put("actions.secrets.test-hook-token", "Bearer hook-secret");
        props.put("ingest.deadline", "8s");
        props.put("ingest.retry-after", "5s");
        props.put("rules.held-claim-wait", "3s");
        // Shorter than the 2m default, so that a claim left behind lapses (and its action runs again) within the
        // test's 60 s of redeliveries; longer than an outage and a webhook here.
        props.put("ledger.claim-lease", "30s");
        service = ServiceProcess.start("redis-faults", List.of("-Xmx256m"), props);
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] { service, redis }) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // best effort
            }
        }
        if (peers != null) {
            peers.stop();
        }
        POOL.shutdownNow();
    }

    @AfterEach
    void removeStubs() {
        stubs.removeAll();
        redis.start(); // whatever a failed test left
    }

    static List<ObjectNode> events(int n) {
        List<ObjectNode> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            events.add(ActionTestSupport.runCompleted("webhook"));
        }
        return events;
    }

    static String run(ObjectNode event) {
        return event.at("/data/runId").asText();
    }

    /** Webhook posts received per run id. */
    static Map<String, Long> postsByRun() {
        List<LoggedRequest> posts = wm.findAll(postRequestedFor(urlPathEqualTo(HOOK)));
        return posts.stream().map(r -> {
            Matcher m = RUN.matcher(r.getBodyAsString());
            return m.find() ? m.group(1) : "?";
        }).collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    static Map<String, Long> postsOf(List<ObjectNode> events) {
        Map<String, Long> all = postsByRun();
        Map<String, Long> mine = new HashMap<>();
        events.forEach(e -> mine.put(run(e), all.getOrDefault(run(e), 0L)));
        return mine;
    }

    static Map<String, Long> once(List<ObjectNode> events) {
        Map<String, Long> once = new HashMap<>();
        events.forEach(e -> once.put(run(e), 1L));
        return once;
    }

    /** Delivers until answered 200, as Event Grid would (its back-off shortened); returns every answer. */
    static List<Reply> deliverUntilDone(ObjectNode event, Duration within) {
        Events.Delivery d = Events.of(event);
        List<Reply> replies = new ArrayList<>();
        await().atMost(within).pollInterval(Duration.ofMillis(500)).until(() -> {
            Reply r = Http.deliver(service, d);
            replies.add(r);
            assertThat(r.status()).as("%s", r.body()).isIn(200, 503);
            return r.status() == 200;
        });
        return replies;
    }

    static double metric(String name) {
        String text = Http.get(service, "/q/metrics").body();
        Matcher m = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*})? ([0-9.E+-]+)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    /**
     * 40 events arrive at once while Redis is slow for a moment (frozen 1 s, as during a fork for an AOF
     * rewrite or a network hiccup): their ledger commands all wait for a connection. With Vert.x' default pool
     * (6 connections, 24 waiting) every command beyond 30 was refused at once, each a spurious 503.
     */
    @Test
    @Order(1)
    void fortySimultaneousEventsOnOneReplicaAreAllAnswered200() {
        stubs.add(post(urlPathEqualTo(HOOK)).willReturn(aResponse().withStatus(200)));
        deliverUntilDone(events(1).get(0), Duration.ofSeconds(30)); // a warm service: TLS, templates, JIT
        List<ObjectNode> events = events(40);
        List<CompletableFuture<Reply>> replies;
        redis.freeze();
        try {
            replies = events.stream().map(e -> Http.deliverAsync(service, Events.of(e).body())).toList();
            await().pollDelay(Duration.ofSeconds(1)).until(() -> true);
        } finally {
            redis.thaw();
        }
        List<String> refused = new ArrayList<>();
        int late = 0;
        for (CompletableFuture<Reply> r : replies) {
            Reply reply = r.join();
            if (reply.status() == 503 && "pending".equals(reply.json().at("/events/0/state").asText())) {
                late++; // still running at ingest.deadline on this busy machine: not refused
            } else if (reply.status() != 200) {
                refused.add(reply.status() + " " + reply.body());
            }
        }
        System.out.printf("40 events at once, Redis frozen 1 s: %d refused, %d answered 503 pending at the deadline%n",
                refused.size(), late);
        assertThat(refused).as("no spurious 503 (Redis connection pool)").isEmpty();
        events.forEach(e -> deliverUntilDone(e, Duration.ofSeconds(30)));
        assertThat(postsOf(events)).isEqualTo(once(events));
        assertThat(service.log()).doesNotContain("max wait queue");
        assertThat(metric("ledger_store_pool_exhausted_total")).isZero();
    }

    /**
     * A burst of events whose webhooks (1.5 s each) are all in flight when Redis goes away for 5 s: the
     * outcomes cannot be written when the webhooks answer. Deliveries are repeated every 0.5 s all along.
     */
    void burstThroughAnOutage(Runnable down, Runnable up, String fault, boolean failsFast) {
        stubs.add(post(urlPathEqualTo(HOOK)).willReturn(aResponse().withStatus(200).withFixedDelay(1500)));
        List<ObjectNode> events = events(20);
        List<CompletableFuture<List<Reply>>> outcomes = new ArrayList<>();
        JsonNode readyDuringOutage = null;
        for (ObjectNode e : events) {
            outcomes.add(CompletableFuture.supplyAsync(() -> deliverUntilDone(e, Duration.ofSeconds(60)), POOL));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> postsOf(events).values().stream().allMatch(n -> n >= 1));
        down.run();
        long downAt = System.nanoTime();
        try {
            if (failsFast) {
                // Refused connections: the ledger's readiness check says so (a frozen Redis fails nothing).
                try {
                    await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(4))
                            .until(() -> {
                                // DOWN comes first from any call that fails (the digest flusher's, the silences'
                                // refresh); wait for the outcomes of the webhooks finishing meanwhile too.
                                JsonNode check = ledgerCheck();
                                return "DOWN".equals(check.path("status").asText())
                                        && check.at("/data/unwrittenOutcomes").asInt() > 0;
                            });
                    readyDuringOutage = ledgerCheck();
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    readyDuringOutage = ledgerCheck();
                }
            }
            await().pollDelay(Duration.ofSeconds(5).minus(Duration.ofNanos(System.nanoTime() - downAt)))
                    .until(() -> true);
        } finally {
            up.run();
        }
        long upAt = System.nanoTime();
        long lastDone = 0;
        int stuck = 0;
        for (CompletableFuture<List<Reply>> o : outcomes) {
            try {
                List<Reply> replies = o.join();
                assertThat(replies.get(replies.size() - 1).status()).isEqualTo(200);
            } catch (java.util.concurrent.CompletionException e) {
                stuck++;
            }
            lastDone = System.nanoTime();
        }
        Map<String, Long> posts = postsOf(events);
        System.out.printf("Redis %s for 5 s with %d webhooks in flight: posts per event %s, %d event(s) not answered "
                + "200 within 60 s, last answer %d ms after Redis was back%n", fault, events.size(),
                posts.values().stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting())),
                stuck, (lastDone - upAt) / 1_000_000);
        assertThat(posts).as("every webhook exactly once through a Redis %s", fault).isEqualTo(once(events));
        assertThat(stuck).as("events not answered 200 within 60 s").isZero();
        assertThat(Duration.ofNanos(lastDone - upAt)).as("every event done soon after Redis is back")
                .isLessThan(Duration.ofSeconds(20));
        if (failsFast) {
            assertThat(readyDuringOutage.path("status").asText()).as("ledger readiness during the outage").isEqualTo("DOWN");
            assertThat(readyDuringOutage.at("/data/unwrittenOutcomes").asInt()).isPositive();
        }
        for (ObjectNode e : events) {
            Reply h = Http.admin(service, "GET", "/events/" + e.get("id").asText());
            assertThat(h.json().at("/actions/0/state").asText()).isEqualTo("SUCCEEDED");
            assertThat(h.json().at("/actions/0/attempts").asInt()).isEqualTo(1);
        }
    }

    @Test
    @Order(2)
    void aRedisStoppedFor5sWithActionsInFlightRepeatsNone() {
        double outagesBefore = metric("ledger_store_outages_total");
        int warnsBefore = count(service.log(), "Outcome ledger: Redis is unreachable");
        burstThroughAnOutage(redis::stop, redis::start, "stop (SIGTERM, AOF)", true);
        assertThat(metric("ledger_store_outages_total")).isEqualTo(outagesBefore + 1);
        String log = service.log();
        assertThat(count(log, "Outcome ledger: Redis is unreachable")).as("one WARN per outage").isEqualTo(warnsBefore + 1);
        assertThat(log).contains("Outcome ledger: Redis is reachable again");
        assertThat(metric("ledger_outcomes_unwritten")).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> Http.get(service, "/q/health/ready").status() == 200);
        assertThat(ledgerCheck().path("status").asText()).isEqualTo("UP");
    }

    @Test
    @Order(3)
    void aRedisKilledAndRestartedWithActionsInFlightRepeatsNone() {
        burstThroughAnOutage(redis::kill, redis::start, "kill -9 (AOF)", true);
        assertThat(metric("ledger_outcomes_unwritten")).isZero();
    }

    @Test
    @Order(4)
    void aRedisFrozenFor5sWithActionsInFlightRepeatsNone() {
        burstThroughAnOutage(redis::freeze, redis::thaw, "SIGSTOP", false);
    }

    /** The {@code ledger} readiness check as JSON (missing node when there is none). */
    static JsonNode ledgerCheck() {
        Reply ready = Http.get(service, "/q/health/ready");
        for (JsonNode check : ready.json().path("checks")) {
            if ("ledger".equals(check.path("name").asText())) {
                return check;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
