package io.amlrouter.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import io.amlrouter.support.Events;
import io.amlrouter.support.Http.Reply;
import io.amlrouter.support.Http;
import io.amlrouter.support.RedisServer;
import io.amlrouter.support.ServiceProcess;
import io.amlrouter.support.SmtpPeer;

/**
 * The delivery guarantees end to end: two instances of the packaged service (replica-a, replica-b)
 * share one Redis ledger (a redis-server of this test) and one real SMTP server (GreenMail, scripted),
 * and the effects are counted as mails received. Two processes rather than the in-test application
 * plus one: a {@code @TestProfile} would boot Quarkus a second time in the test JVM, and the jar is what
 * ships. Every mail names its event in the subject ({@code testdata/ledger-rules.yaml}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeliveryGuaranteesIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String TEAM = "team@contoso.com";
    static final String ONCALL = "oncall@contoso.com";
    static final String DRIFT = "drift@contoso.com";
    static final String ADMIN = "admin@contoso.com";

    static RedisServer redis;
    static SmtpPeer smtp;
    static HttpServer deadLetterReceiver;
    static final List<String> DEAD_LETTER_POSTS = new CopyOnWriteArrayList<>();
    static ServiceProcess a;
    static ServiceProcess b;
    /** Threads for concurrent deliveries (the common pool has one thread on two cores). */
    static final ExecutorService POOL = Executors.newFixedThreadPool(24);

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.startNew();
        smtp = SmtpPeer.start();
        deadLetterReceiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        deadLetterReceiver.createContext("/dead-letters", exchange -> {
            DEAD_LETTER_POSTS.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        deadLetterReceiver.start();
        CompletableFuture<ServiceProcess> first = CompletableFuture.supplyAsync(() -> replica("replica-a"), POOL);
        CompletableFuture<ServiceProcess> second = CompletableFuture.supplyAsync(() -> replica("replica-b"), POOL);
        a = first.join();
        b = second.join();
    }

    @SafeVarargs
    static ServiceProcess replica(String name, Map.Entry<String, String>... extra) {
        Map<String, String> props = new HashMap<>(baseProperties(name));
        props.putAll(Map.ofEntries(extra));
        return ServiceProcess.start(name, List.of("-Xmx256m"), props);
    }

    static Map<String, String> baseProperties(String name) {
        return smtp.serviceProperties(
                Map.entry("rules.path", "src/test/resources/testdata/ledger-rules.yaml"),
                Map.entry("ledger.store", "redis"),
                Map.entry("quarkus.redis.hosts", redis.url()),
                Map.entry("ledger.owner", name),
                Map.entry("email.send-timeout", "6s"),
                Map.entry("ingest.deadline", "3s"),
                Map.entry("ingest.retry-after", "10s"),
                Map.entry("rules.held-claim-wait", "10s"),
                Map.entry("ledger.dead-letter.email", ADMIN),
                Map.entry("ledger.dead-letter.webhook-url",
                        "http://127.0.0.1:" + deadLetterReceiver.getAddress().getPort() + "/dead-letters"));
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] { a, b, smtp, redis }) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // best effort
            }
        }
        if (deadLetterReceiver != null) {
            deadLetterReceiver.stop(0);
        }
        POOL.shutdownNow();
    }

    @AfterEach
    void normalSmtp() {
        smtp.reset();
    }

    static JsonNode history(ServiceProcess service, String id) {
        Reply r = Http.admin(service, "GET", "/events/" + id);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    static JsonNode action(JsonNode history, int index) {
        return history.get("actions").get(index);
    }

    /** Delivers until answered 200, as Event Grid would (without its back-off); returns every answer. */
    static List<Reply> deliverUntilDone(ServiceProcess service, Events.Delivery d) {
        List<Reply> replies = new ArrayList<>();
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(300)).until(() -> {
            Reply r = Http.deliver(service, d);
            replies.add(r);
            assertThat(r.status()).as(r.body()).isIn(200, 503);
            return r.status() == 200;
        });
        return replies;
    }

    @Test
    @Order(1)
    void aRedeliveryAfterSuccessRunsNoActionAgain() {
        Events.Delivery d = Events.eventGrid("RunStatusChanged.json");
        for (int i = 0; i < 3; i++) {
            Reply r = Http.deliver(a, d);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.json().at("/events/0/state").asText()).isEqualTo("done");
        }
        assertThat(smtp.countByRecipient(d.id())).isEqualTo(Map.of(TEAM, 1L, ONCALL, 1L));
        JsonNode h = history(a, d.id());
        assertThat(h.get("deliveries").asInt()).isEqualTo(3);
        assertThat(h.get("actions")).hasSize(2);
        for (JsonNode action : h.get("actions")) {
            assertThat(action.get("state").asText()).isEqualTo("SUCCEEDED");
            assertThat(action.get("attempts").asInt()).isEqualTo(1);
        }
    }

    @Test
    @Order(2)
    void aRedeliveryAfterAPartialFailureRerunsOnlyTheFailedAction() {
        smtp.refuse(ONCALL, 1, "451 4.3.0 Mailbox temporarily unavailable");
        Events.Delivery d = Events.eventGrid("RunStatusChanged.json");

        Reply first = Http.deliver(a, d);
        assertThat(first.status()).as(first.body()).isEqualTo(503);
        assertThat(first.retryAfter()).isEqualTo("10");
        assertThat(first.json().at("/events/0/state").asText()).isEqualTo("failed");
        JsonNode h = history(a, d.id());
        assertThat(action(h, 0).get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(action(h, 1).get("state").asText()).isEqualTo("PENDING");
        assertThat(action(h, 1).get("lastError").asText()).contains("451");
        assertThat(smtp.countByRecipient(d.id())).isEqualTo(Map.of(TEAM, 1L));

        Reply again = Http.deliver(a, d);
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(smtp.countByRecipient(d.id())).isEqualTo(Map.of(TEAM, 1L, ONCALL, 1L));
        h = history(a, d.id());
        assertThat(action(h, 0).get("attempts").asInt()).isEqualTo(1);
        assertThat(action(h, 1).get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(action(h, 1).get("attempts").asInt()).isEqualTo(2);
    }

    @Test
    @Order(3)
    void anActionStillRunningAtTheDeadlineIsAnswered503AndTheRedeliveryFindsItDone() {
        Events.Delivery d = Events.eventGrid("RunStatusChanged.json");
        smtp.delay(d.id(), Duration.ofSeconds(5));

        Reply first = Http.deliver(a, d);
        assertThat(first.status()).as(first.body()).isEqualTo(503);
        assertThat(first.retryAfter()).isEqualTo("10");
        assertThat(first.json().at("/events/0/state").asText()).isEqualTo("pending");
        assertThat(first.took()).isBetween(Duration.ofMillis(2900), Duration.ofMillis(4500));
        assertThat(smtp.received(d.id())).isEmpty();

        // The actions go on after the answer, and finish.
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            JsonNode h = history(a, d.id());
            return h.get("actions").size() == 2 && h.findValuesAsText("state").stream().allMatch("SUCCEEDED"::equals);
        });
        Reply again = Http.deliver(a, d);
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.took()).isLessThan(Duration.ofSeconds(2));
        assertThat(smtp.countByRecipient(d.id())).isEqualTo(Map.of(TEAM, 1L, ONCALL, 1L));
        history(a, d.id()).get("actions").forEach(x -> assertThat(x.get("attempts").asInt()).isEqualTo(1));
    }

    @Test
    @Order(4)
    void concurrentDuplicatesOnOneReplicaJoinOneRun() {
        Events.Delivery d = Events.eventGrid("RunStatusChanged.json");
        smtp.delay(d.id(), Duration.ofMillis(1500));
        List<CompletableFuture<Reply>> replies = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            replies.add(Http.deliverAsync(a, d.body()));
        }
        for (CompletableFuture<Reply> r : replies) {
            assertThat(r.join().status()).as(r.join().body()).isEqualTo(200);
        }
        assertThat(smtp.countByRecipient(d.id())).isEqualTo(Map.of(TEAM, 1L, ONCALL, 1L));
        JsonNode h = history(a, d.id());
        h.get("actions").forEach(x -> assertThat(x.get("attempts").asInt()).isEqualTo(1));
        assertThat(h.get("deliveries").asInt()).as("joined deliveries are not routed again").isEqualTo(1);
    }

    @Test
    @Order(5)
    void twoReplicasSharingRedisRunEachActionOnceInTotal() throws Exception {
        int events = 5;
        List<Events.Delivery> deliveries = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            Events.Delivery d = Events.eventGrid("RunStatusChanged.json");
            smtp.delay(d.id(), Duration.ofMillis(1500));
            deliveries.add(d);
        }
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<List<Reply>>> outcomes = new ArrayList<>();
        for (Events.Delivery d : deliveries) {
            for (ServiceProcess replica : List.of(a, b, a, b)) {
                outcomes.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return deliverUntilDone(replica, d);
                }, POOL));
            }
        }
        go.countDown();
        int firstTry503 = 0;
        for (CompletableFuture<List<Reply>> o : outcomes) {
            List<Reply> replies = o.get();
            assertThat(replies.get(replies.size() - 1).status()).isEqualTo(200);
            firstTry503 += replies.get(0).status() == 503 ? 1 : 0;
        }
        for (Events.Delivery d : deliveries) {
            assertThat(smtp.countByRecipient(d.id())).as("mails of event %s", d.id())
                    .isEqualTo(Map.of(TEAM, 1L, ONCALL, 1L));
            JsonNode fromA = history(a, d.id());
            JsonNode fromB = history(b, d.id());
            assertThat(fromA.get("actions")).isEqualTo(fromB.get("actions"));
            fromA.get("actions").forEach(x -> {
                assertThat(x.get("state").asText()).isEqualTo("SUCCEEDED");
                assertThat(x.get("attempts").asInt()).isEqualTo(1);
            });
        }
        System.out.printf("two replicas: %d deliveries of %d events, %d answered 503 first%n", outcomes.size(), events,
                firstTry503);
    }

    @Test
    @Order(6)
    void aDeadLetterIsAnswered200RecordedCountedLoggedForwardedAndReplayable() throws Exception {
        smtp.refuse(DRIFT, 1000, "550 5.1.1 <drift@contoso.com>: Recipient address rejected: User unknown");
        Events.Delivery d = Events.eventGrid("DatasetDriftDetected.json");

        Reply r = Http.deliver(a, d);
        assertThat(r.status()).as("every remaining action failed permanently: done for Event Grid").isEqualTo(200);
        JsonNode action = action(history(a, d.id()), 0);
        assertThat(action.get("state").asText()).isEqualTo("FAILED");
        assertThat(action.get("lastError").asText()).contains("550");
        assertThat(Http.deliver(a, d).status()).as("a redelivery does not retry a dead letter").isEqualTo(200);
        assertThat(action(history(a, d.id()), 0).get("attempts").asInt()).isEqualTo(1);

        String metrics = Http.get(a, "/q/metrics").body();
        assertThat(metrics).containsPattern("actions_dead_letters_total\\{[^}]*kind=\"email\"[^}]*rule=\"mail-drift\"[^}]*} 1\\.0");
        assertThat(a.log()).contains("Dead letter: event " + d.id() + ", rule mail-drift, action 0 (email) failed permanently");
        await().atMost(Duration.ofSeconds(10)).until(() -> !smtp.received("dead letter").stream()
                .filter(m -> m.subject().contains(d.id())).toList().isEmpty());
        SmtpPeer.Mail mail = smtp.received("dead letter").stream().filter(m -> m.subject().contains(d.id())).findFirst()
                .orElseThrow();
        assertThat(mail.to()).containsExactly(ADMIN);
        assertThat(mail.subject()).contains("rule mail-drift", "action 0 (email)");
        assertThat(mail.body()).contains("Reason: SMTP", "550", "\"id\":\"" + d.id() + "\"", "/replay");
        await().atMost(Duration.ofSeconds(10)).until(() -> DEAD_LETTER_POSTS.stream().anyMatch(p -> p.contains(d.id())));
        JsonNode posted = JSON.readTree(DEAD_LETTER_POSTS.stream().filter(p -> p.contains(d.id())).findFirst().orElseThrow());
        assertThat(posted.get("eventId").asText()).isEqualTo(d.id());
        assertThat(posted.get("rule").asText()).isEqualTo("mail-drift");
        assertThat(posted.get("action").asInt()).isZero();
        assertThat(posted.get("kind").asText()).isEqualTo("email");
        assertThat(posted.get("reason").asText()).contains("550");
        assertThat(posted.at("/event/id").asText()).isEqualTo(d.id());
        assertThat(posted.at("/event/data/driftCoefficient").asDouble()).isGreaterThan(0.5);

        // The other replica finds it in the shared Redis history by what became of it, with why it was routed.
        String runId = JSON.readTree(d.body()).get(0).at("/data/runId").asText();
        String search = "/events?type=DatasetDriftDetected&outcome=dead-letter&runId=" + runId;
        Reply found = Http.admin(b, "GET", search);
        assertThat(found.status()).as(found.body()).isEqualTo(200);
        JsonNode hit = null;
        for (JsonNode e : found.json().get("events")) {
            if (e.get("id").asText().equals(d.id())) {
                hit = e;
            }
        }
        assertThat(hit).as(found.body()).isNotNull();
        assertThat(hit.at("/actions/0/state").asText()).isEqualTo("FAILED");
        assertThat(hit.at("/rulesVersion").asText()).startsWith("sha256:");
        assertThat(hit.get("explanation").toString()).contains("{\"rule\":\"mail-drift\",\"matched\":true}");
        assertThat(Http.admin(b, "GET", search + "&colour=red").status()).isEqualTo(400);

        // The cause is fixed: the replay runs the dead-lettered action again, and only it.
        smtp.reset();
        Reply replay = Http.admin(b, "POST", "/events/" + d.id() + "/replay");
        assertThat(replay.status()).as(replay.body()).isEqualTo(200);
        assertThat(replay.json().get("reopened").asInt()).isEqualTo(1);
        assertThat(replay.json().get("result").asText()).isEqualTo("done");
        assertThat(replay.json().at("/event/actions/0/state").asText()).isEqualTo("SUCCEEDED");
        assertThat(replay.json().at("/event/actions/0/attempts").asInt()).isEqualTo(2);
        assertThat(smtp.countByRecipient("drift, event " + d.id())).isEqualTo(Map.of(DRIFT, 1L));
        assertThat(Http.admin(a, "GET", search).body()).doesNotContain(d.id());
        assertThat(Http.deliver(a, d).status()).isEqualTo(200);
        assertThat(smtp.countByRecipient("drift, event " + d.id())).isEqualTo(Map.of(DRIFT, 1L));
    }

    @Test
    @Order(7)
    void aSendWhoseReplyIsLostIsRepeatedAtMostOnce() {
        // The relay accepts the mail but its answer comes after email.send-timeout (6s): for the router the
        // send failed transiently, so the redelivery sends it again. This is the SMTP "sync gap": at most
        // one extra mail per lost reply, never more, and the other action is not repeated.
        Events.Delivery d = Events.eventGrid("RunStatusChanged.json");
        smtp.delay("oncall: run failed, event " + d.id(), Duration.ofSeconds(7));
        Reply first = Http.deliver(a, d);
        assertThat(first.status()).isEqualTo(503);
        await().atMost(Duration.ofSeconds(15)).until(() -> "PENDING".equals(action(history(a, d.id()), 1).get("state")
                .asText()));
        assertThat(action(history(a, d.id()), 1).get("lastError").asText()).containsIgnoringCase("time");
        smtp.reset();
        List<Reply> replies = deliverUntilDone(a, d);
        assertThat(replies.get(replies.size() - 1).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> smtp.countByRecipient(d.id()).getOrDefault(ONCALL, 0L) == 2);
        assertThat(smtp.countByRecipient(d.id())).isEqualTo(Map.of(TEAM, 1L, ONCALL, 2L));
    }

    @Test
    @Order(8)
    void withRedisDownDeliveriesAre503UntilItIsBack() throws IOException {
        Events.Delivery d = Events.eventGrid("RunStatusChanged.json");
        redis.stop();
        try {
            Reply r = Http.deliver(a, d);
            assertThat(r.status()).as(r.body()).isEqualTo(503);
            assertThat(r.retryAfter()).isNotNull();
            assertThat(r.took()).isLessThan(Duration.ofSeconds(4));
            assertThat(smtp.received(d.id())).as("no action without a claim").isEmpty();
            Reply ready = Http.get(a, "/q/health/ready");
            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.body()).contains("Redis connection health check", "DOWN");
        } finally {
            redis.start();
        }
        List<Reply> replies = deliverUntilDone(a, d);
        assertThat(replies.get(replies.size() - 1).status()).isEqualTo(200);
        assertThat(smtp.countByRecipient(d.id())).isEqualTo(Map.of(TEAM, 1L, ONCALL, 1L));
    }

    @Test
    @Order(9)
    void aReplicaKilledMidActionLeavesAtMostOneDuplicateOnceItsLeaseLapses() {
        // replica-c claims with a 3 s lease, sends both mails, and is killed (SIGKILL) while the SMTP server
        // holds its replies: the mails arrive, the outcomes are never written. The crash landed in the SMTP
        // sync gap, the worst place: after the lease the actions run again, once.
        ServiceProcess c = replica("replica-c", Map.entry("ledger.claim-lease", "3s"));
        try {
            Events.Delivery d = Events.eventGrid("RunStatusChanged.json");
            smtp.delay(d.id(), Duration.ofSeconds(3));
            Http.deliverAsync(c, d.body());
            await().atMost(Duration.ofSeconds(15)).until(() -> smtp.dataStarted("team: run failed, event " + d.id())
                    && smtp.dataStarted("oncall: run failed, event " + d.id()));
            c.kill();
            smtp.reset();

            // The survivor waits while the dead replica's claims hold, re-asking, and takes the actions over
            // as soon as their lease lapses: within rules.held-claim-wait, so the first redelivery succeeds.
            List<Reply> replies = deliverUntilDone(a, d);
            assertThat(replies).extracting(Reply::status).containsExactly(200);
            // The dead replica's mails are stored when the SMTP server's held replies go out, which can be a
            // moment after the survivor's own mails: wait for all four before counting.
            await().atMost(Duration.ofSeconds(10)).until(() -> smtp.received(d.id()).size() >= 4);
            assertThat(smtp.countByRecipient(d.id())).isEqualTo(Map.of(TEAM, 2L, ONCALL, 2L));
            history(a, d.id()).get("actions").forEach(x -> {
                assertThat(x.get("state").asText()).isEqualTo("SUCCEEDED");
                assertThat(x.get("attempts").asInt()).isEqualTo(2);
            });
        } finally {
            c.close();
        }
    }
}
