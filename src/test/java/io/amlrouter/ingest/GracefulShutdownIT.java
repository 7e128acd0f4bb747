package io.amlrouter.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.amlrouter.support.Events;
import io.amlrouter.support.Http.Reply;
import io.amlrouter.support.Http;
import io.amlrouter.support.RedisServer;
import io.amlrouter.support.ServiceProcess;
import io.amlrouter.support.SmtpPeer;

/**
 * SIGTERM with work in flight, against the packaged service (Redis ledger, so the outcomes can be read
 * after the process is gone): readiness goes down and new deliveries get 503 at once, the request in
 * flight is answered, an action that outlived its request (answered 503 at the deadline) still
 * finishes and is recorded, then the process exits, all within {@code quarkus.shutdown.timeout}.
 */
class GracefulShutdownIT {

    static RedisServer redis;
    static SmtpPeer smtp;

    @BeforeAll
    static void peers() {
        redis = RedisServer.startNew();
        smtp = SmtpPeer.start();
    }

    @AfterAll
    static void stopPeers() {
        smtp.close();
        redis.close();
    }

    @Test
    void sigtermRefusesNewDeliveriesAndLetsTheActionsInFlightFinish() {
        ServiceProcess service = ServiceProcess.start("shutdown", List.of("-Xmx256m"), smtp.serviceProperties(
                Map.entry("rules.path", "src/test/resources/testdata/ledger-rules.yaml"),
                Map.entry("ledger.store", "redis"),
                Map.entry("quarkus.redis.hosts", redis.url()),
                Map.entry("ingest.deadline", "4s")));
        try {
            Events.Delivery quick = Events.eventGrid("DatasetDriftDetected.json");
            Events.Delivery slow = Events.eventGrid("DatasetDriftDetected.json");
            smtp.delay(quick.id(), Duration.ofSeconds(2)); // finishes while its request waits: 200
            smtp.delay(slow.id(), Duration.ofSeconds(7)); // outlives its request (deadline 4 s): 503, then finishes
            CompletableFuture<Reply> quickReply = Http.deliverAsync(service, quick.body());
            CompletableFuture<Reply> slowReply = Http.deliverAsync(service, slow.body());
            await().atMost(Duration.ofSeconds(10)).until(() -> smtp.dataStarted(quick.id()) && smtp.dataStarted(slow.id()));

            long sigterm = System.nanoTime();
            service.terminate();

            // From the first moment: not ready, and a new delivery is refused with 503 (not 4xx).
            await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50))
                    .until(() -> Http.get(service, "/q/health/ready").status() == 503);
            Events.Delivery late = Events.eventGrid("DatasetDriftDetected.json");
            Reply refused = Http.deliver(service, late);
            assertThat(refused.status()).as(refused.body()).isEqualTo(503);
            assertThat(refused.retryAfter()).isNotNull();
            assertThat(refused.json().get("type").asText()).isEqualTo("urn:aml-event-router:problem:shutting-down");

            assertThat(quickReply.join().status()).as("the request in flight is answered").isEqualTo(200);
            Reply slowAnswer = slowReply.join();
            assertThat(slowAnswer.status()).as("its action was still running at the deadline").isEqualTo(503);
            assertThat(slowAnswer.json().at("/events/0/state").asText()).isEqualTo("pending");

            // Once the requests are drained the HTTP server closes: while the outliving action finishes, a
            // delivery cannot connect (Event Grid retries it like a 503).
            await().atMost(Duration.ofSeconds(5)).until(() -> Http.deliver(service, late).status() == -1);
            assertThat(service.alive()).as("still finishing the outliving action").isTrue();

            int exit = service.awaitExit(Duration.ofSeconds(30));
            Duration stopping = Duration.ofNanos(System.nanoTime() - sigterm);
            System.out.printf("SIGTERM to exit: %d ms, exit code %d%n", stopping.toMillis(), exit);
            // The JVM's exit status after SIGTERM, once the graceful stop is complete: 128 + 15.
            assertThat(exit).as(service.log()).isEqualTo(143);
            assertThat(stopping).isLessThan(Duration.ofSeconds(25));
            assertThat(service.log()).contains("Shutting down: new deliveries are refused with 503",
                    "for 1 event(s) in flight to finish their actions", "All events in flight finished");

            // Both actions ran once and are recorded in the ledger; the refused event left no trace.
            assertThat(smtp.countByRecipient(quick.id())).isEqualTo(Map.of("drift@contoso.com", 1L));
            assertThat(smtp.countByRecipient(slow.id())).isEqualTo(Map.of("drift@contoso.com", 1L));
            for (Events.Delivery d : List.of(quick, slow)) {
                assertThat(redis.text("HGET", "aer:{" + d.id() + "}:actions", "mail-drift/0"))
                        .contains("\"state\":\"SUCCEEDED\"");
            }
            assertThat(redis.text("EXISTS", "aer:{" + late.id() + "}:event")).isEqualTo("0");
            assertThat(smtp.received(late.id())).isEmpty();
        } finally {
            service.close();
        }
    }

    /**
     * Issue 18 point 4: mails still held by a slow SMTP server when the shutdown timeout is spent. Their
     * data has reached the server, so they may be delivered: the stopping replica records them as dead
     * letters saying so (instead of leaving the claims to hold for the 2-minute lease), and a fresh
     * replica answers their redeliveries 200 at once without sending them again.
     */
    @Test
    void actionsCutByTheShutdownTimeoutAreSettledSoAFreshReplicaAnswersAtOnceAndSendsNothingTwice() {
        int n = 5;
        ServiceProcess stopping = ServiceProcess.start("cut", List.of("-Xmx256m"), smtp.serviceProperties(
                Map.entry("rules.path", "src/test/resources/testdata/ledger-rules.yaml"),
                Map.entry("ledger.store", "redis"),
                Map.entry("quarkus.redis.hosts", redis.url()),
                Map.entry("ingest.deadline", "2s"),
                Map.entry("quarkus.shutdown.timeout", "3s")));
        // The lease stays the default 2 minutes: a claim left behind would hold every redelivery below.
        ServiceProcess fresh = ServiceProcess.start("fresh", List.of("-Xmx256m"), smtp.serviceProperties(
                Map.entry("rules.path", "src/test/resources/testdata/ledger-rules.yaml"),
                Map.entry("ledger.store", "redis"),
                Map.entry("quarkus.redis.hosts", redis.url()),
                Map.entry("rules.held-claim-wait", "3s")));
        try {
            List<Events.Delivery> deliveries = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Events.Delivery d = Events.eventGrid("DatasetDriftDetected.json");
                smtp.delay(d.id(), Duration.ofSeconds(12)); // the relay holds its reply beyond the 3 s budget
                deliveries.add(d);
                Http.deliverAsync(stopping, d.body());
            }
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> deliveries.stream().allMatch(d -> smtp.dataStarted(d.id())));

            stopping.terminate();
            assertThat(stopping.awaitExit(Duration.ofSeconds(20))).as(stopping.log()).isEqualTo(143);

            for (Events.Delivery d : deliveries) {
                Reply r = Http.deliver(fresh, d);
                System.out.printf("redelivery of a cut action to a fresh replica: %d in %d ms%n", r.status(),
                        r.took().toMillis());
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                assertThat(r.took()).isLessThan(Duration.ofSeconds(2));
                JsonNode action = history(fresh, d.id()).get("actions").get(0);
                assertThat(action.get("state").asText()).isEqualTo("FAILED");
                assertThat(action.get("attempts").asInt()).isEqualTo(1);
                assertThat(action.get("lastError").asText()).contains("cut by the shutdown",
                        "it may have been delivered", "replay the event");
            }
            // The held replies go out: every mail is delivered once, by the replica that stopped.
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> deliveries.stream().allMatch(d -> !smtp.received(d.id()).isEmpty()));
            for (Events.Delivery d : deliveries) {
                assertThat(smtp.countByRecipient(d.id())).isEqualTo(Map.of("drift@contoso.com", 1L));
            }
            assertThat(stopping.log()).contains("Settled " + n + " action(s) cut by the shutdown in the ledger");
        } finally {
            stopping.close();
            fresh.close();
        }
    }

    private static JsonNode history(ServiceProcess service, String id) {
        Reply r = Http.admin(service, "GET", "/events/" + id);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }
}
