package io.amlrouter.actions.email;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.amlrouter.support.Events;
import io.amlrouter.support.Http.Reply;
import io.amlrouter.support.Http;
import io.amlrouter.support.ServiceProcess;
import io.amlrouter.support.SmtpPeer;

/**
 * A slow relay under a burst, against the packaged service (one replica, in-memory ledger), redelivered the
 * way Event Grid does: every delivery not answered 2xx is delivered again until all are answered 200. The
 * production case (a relay taking 8 s per mail, 30 mails at once, 10 connections, send timeout 15 s) scaled
 * down: send timeout 5 s, 10 connections, queue wait 3 s; the relay takes 1 s per {@code RCPT TO} and 1.5 s
 * after the data (3.5 s per mail), and for the first 5 mails 4.5 s for the second recipient, so their
 * sessions pass the send timeout before the data is sent. Every mail must arrive exactly once: none lost,
 * none twice (counted per Message-ID), whether it was sent at once, waited for a connection, was not
 * started because it waited too long, or was cut before its final dot.
 */
class SlowRelayIT {

    static final int MAILS = 30;
    static final String AUDIT = "drift-audit@contoso.com";

    static SmtpPeer smtp;
    static ServiceProcess service;

    @BeforeAll
    static void start() {
        smtp = SmtpPeer.start();
        service = ServiceProcess.start("slow-relay", List.of("-Xmx256m"), smtp.serviceProperties(
                Map.entry("rules.path", "src/test/resources/testdata/slow-relay-rules.yaml"),
                Map.entry("email.send-timeout", "5s"),
                Map.entry("email.max-connections", "10"),
                Map.entry("email.queue-wait", "3s"),
                Map.entry("ingest.deadline", "10s")));
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
        smtp.close();
    }

    @Test
    void aSlowRelayUnderABurstDeliversEveryMailExactlyOnce() {
        smtp.delayRecipient("drift@contoso.com", Duration.ofSeconds(1), Integer.MAX_VALUE);
        smtp.delayRecipient(AUDIT, Duration.ofMillis(4500), 5);
        smtp.delay("slow relay, event ", Duration.ofMillis(1500));

        List<Events.Delivery> deliveries = new ArrayList<>();
        for (int i = 0; i < MAILS; i++) {
            deliveries.add(Events.eventGrid("DatasetDriftDetected.json"));
        }

        long start = System.nanoTime();
        List<Events.Delivery> owed = deliveries;
        List<String> rounds = new ArrayList<>();
        for (int round = 1; !owed.isEmpty() && System.nanoTime() - start < Duration.ofSeconds(45).toNanos(); round++) {
            Map<Events.Delivery, CompletableFuture<Reply>> replies = new LinkedHashMap<>();
            owed.forEach(d -> replies.put(d, Http.deliverAsync(service, d.body())));
            List<Events.Delivery> next = new ArrayList<>();
            replies.forEach((d, reply) -> {
                Reply r = reply.join();
                assertThat(r.status()).as(r.body()).isIn(200, 503);
                if (r.status() != 200) {
                    next.add(d);
                }
            });
            rounds.add("round " + round + ": " + (owed.size() - next.size()) + " x 200, " + next.size() + " x 503");
            owed = next;
            if (!owed.isEmpty()) {
                pause(Duration.ofMillis(500));
            }
        }
        System.out.printf("slow relay, %d mails: %s; %d not answered 200 after %d ms%n", MAILS, rounds, owed.size(),
                Duration.ofNanos(System.nanoTime() - start).toMillis());

        // Nothing is still on its way: a mail the router gave up on was never started or was cut before its
        // final dot, so no late copy can arrive. (Wait one relay delay to be sure.)
        pause(Duration.ofSeconds(4));
        List<SmtpPeer.Mail> mails = smtp.received("slow relay, event ");
        Map<String, Long> perMessageId = mails.stream()
                .collect(Collectors.groupingBy(SmtpPeer.Mail::messageId, Collectors.counting()));
        Map<String, Long> repeated = perMessageId.entrySet().stream().filter(e -> e.getValue() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        System.out.printf("slow relay: %d mails received, %d distinct Message-IDs, %d sent more than once%n",
                mails.size(), perMessageId.size(), repeated.size());
        assertThat(repeated).as("mails sent more than once, by Message-ID").isEmpty();
        assertThat(owed).as("deliveries still not answered 200 after 45 s of redeliveries: " + rounds).isEmpty();
        for (Events.Delivery d : deliveries) {
            assertThat(smtp.countByRecipient(d.id())).as("event " + d.id())
                    .isEqualTo(Map.of("drift@contoso.com", 1L, AUDIT, 1L));
        }
        assertThat(perMessageId).hasSize(MAILS);

        // Both ways of giving up happened, and were said: mails not started after waiting for a connection,
        // sessions cut before the final dot.
        String log = service.log();
        assertThat(log).contains("longer than email.queue-wait (3s)");
        assertThat(log).contains("the session was dropped");
        Map<String, Long> outcomes = deliveries.stream().map(d -> Http.admin(service, "GET", "/events/" + d.id()))
                .map(r -> r.json().at("/actions/0/state").asText())
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(outcomes).isEqualTo(Map.of("SUCCEEDED", (long) MAILS));
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
