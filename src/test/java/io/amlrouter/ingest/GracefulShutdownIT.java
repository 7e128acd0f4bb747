package io.amlrouter.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.amlrouter.support.Events;
import io.amlrouter.support.Http;
import io.amlrouter.support.Http.Reply;
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
}
