package io.amlrouter.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.amlrouter.support.Events;
import io.amlrouter.support.Http.Reply;
import io.amlrouter.support.Http;
import io.amlrouter.support.LogLines;
import io.amlrouter.support.ServiceProcess;
import io.amlrouter.support.SmtpPeer;

/**
 * Refused deliveries in the log of the packaged service (JSON lines): a 401 leaves one INFO line with
 * the subscription and the reason and never the key or token; repeats of a refusal (1,000 overload
 * 503s, 50 wrong keys) leave a bounded number of lines whose counts add up to the refusals.
 */
class RefusalLogIT {

    static final Duration INTERVAL = Duration.ofSeconds(2);
    static final Pattern MORE = Pattern.compile(": (\\d+) more in the last ");

    static SmtpPeer smtp;
    static ServiceProcess service;

    @BeforeAll
    static void start() {
        smtp = SmtpPeer.start();
        service = ServiceProcess.start("refusal-log", List.of("-Xmx256m"), smtp.serviceProperties(
                Map.entry("rules.path", "src/test/resources/testdata/ledger-rules.yaml"),
                Map.entry("ingest.max-in-flight", "1"),
                Map.entry("ingest.deadline", "45s"),
                Map.entry("email.send-timeout", "60s"),
                Map.entry("ingest.refusal-log-interval", INTERVAL.toSeconds() + "s")));
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
        if (smtp != null) {
            smtp.close();
        }
    }

    static Reply post(String query, Map<String, String> headers) {
        Map<String, String> all = new java.util.HashMap<>(headers);
        all.put("Content-Type", "application/json");
        return Http.post(service, "/events" + query,
                Events.eventGrid("DatasetDriftDetected.json").body().getBytes(StandardCharsets.UTF_8), all).join();
    }

    static List<JsonNode> lines(String text) {
        return LogLines.parse(service.log()).mentioning(text);
    }

    /** Deliveries a set of lines stands for: one per full line, plus the counts of the summaries. */
    static long represented(List<JsonNode> lines) {
        long n = 0;
        for (JsonNode line : lines) {
            Matcher m = MORE.matcher(line.path("message").asText());
            n += m.find() ? Long.parseLong(m.group(1)) : 1;
        }
        return n;
    }

    @Test
    void aRefusedDeliveryIsLoggedOnceAtInfoWithSubscriptionAndReasonButNoSecret() {
        Reply wrongKey = post("?key=wrong-secret-4711", Map.of("aeg-subscription-name", "SUB-REFUSAL-IT"));
        assertThat(wrongKey.status()).isEqualTo(401);
        Reply token = post("", Map.of("aeg-subscription-name", "SUB-TOKEN-IT", "Authorization",
                "Bearer eyJhbGciOiJub25lIn0.secret-token-0815."));
        assertThat(token.status()).isEqualTo(401);

        await().atMost(Duration.ofSeconds(10)).until(() -> !lines("SUB-TOKEN-IT").isEmpty());
        List<JsonNode> refusal = lines("SUB-REFUSAL-IT");
        assertThat(refusal).hasSize(1);
        assertThat(refusal.get(0).path("level").asText()).isEqualTo("INFO");
        assertThat(refusal.get(0).path("message").asText()).contains("401").contains("the key is not valid");
        assertThat(lines("SUB-TOKEN-IT")).singleElement()
                .satisfies(l -> assertThat(l.path("message").asText()).contains("is required"));
        assertThat(service.log()).doesNotContain("wrong-secret-4711").doesNotContain("secret-token-0815")
                .doesNotContain(ServiceProcess.INGEST_KEY);

        // The same refusal again and again: a bounded number of lines, counting every one.
        for (int i = 0; i < 50; i++) {
            assertThat(post("?key=wrong-secret-4711", Map.of("aeg-subscription-name", "SUB-REPEAT-IT")).status())
                    .isEqualTo(401);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> represented(lines("SUB-REPEAT-IT")) == 50);
        assertThat(lines("SUB-REPEAT-IT")).hasSizeLessThanOrEqualTo(4)
                .allSatisfy(l -> assertThat(l.path("level").asText()).isEqualTo("INFO"));
        assertThat(service.log()).doesNotContain("wrong-secret-4711");
    }

    @Test
    void aThousandOverloadRefusalsLeaveABoundedNumberOfLinesWithTheirCount() {
        // One event held in flight (its mail takes 30 s) puts the replica at ingest.max-in-flight=1.
        smtp.delay("drift, event", Duration.ofSeconds(30));
        CompletableFuture<Reply> held = Http.deliverAsync(service, Events.eventGrid("DatasetDriftDetected.json").body());
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> Http.get(service, "/q/health/ready").json().findValue("eventsInFlight").asInt() == 1);

        long start = System.nanoTime();
        Semaphore open = new Semaphore(32);
        List<CompletableFuture<Reply>> replies = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            open.acquireUninterruptibly();
            replies.add(Http.deliverAsync(service, Events.eventGrid("DatasetDriftDetected.json").body())
                    .whenComplete((r, t) -> open.release()));
        }
        List<Reply> answers = replies.stream().map(CompletableFuture::join).toList();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(answers).allSatisfy(r -> {
            assertThat(r.status()).as(r.body()).isEqualTo(503);
            assertThat(r.json().get("type").asText()).endsWith(":overloaded");
            assertThat(r.retryAfter()).isNotNull();
        });

        await().atMost(Duration.ofSeconds(20)).until(() -> represented(lines("Overloaded")) == 1000);
        List<JsonNode> logged = lines("Overloaded");
        long intervals = took.toMillis() / INTERVAL.toMillis() + 2;
        System.out.printf("1000 overload refusals in %d ms: %d log line(s)%n", took.toMillis(), logged.size());
        assertThat(logged).as("one line and one summary per interval, not one line per refusal")
                .hasSizeLessThanOrEqualTo((int) (2 * intervals));
        assertThat(logged).anySatisfy(l -> assertThat(l.path("message").asText()).containsPattern(MORE));

        smtp.reset();
        assertThat(held.join().status()).as("the held delivery is answered (200, or 503 at its deadline)")
                .isIn(200, 503);
    }
}
