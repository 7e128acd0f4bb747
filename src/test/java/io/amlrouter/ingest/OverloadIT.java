package io.amlrouter.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.amlrouter.support.Events;
import io.amlrouter.support.Http.Reply;
import io.amlrouter.support.Http;
import io.amlrouter.support.ServiceProcess;
import io.amlrouter.support.SmtpPeer;
import io.amlrouter.support.TestData;

/**
 * Backpressure, measured on the packaged service at {@code -Xmx256m} with {@code ingest.max-in-flight=16}
 * while every action is slow (the SMTP server holds each mail 3 s): a flood of single-event deliveries
 * and of large batches is answered at once, 200 or 503 with {@code Retry-After}, never 4xx; the process
 * stays up with a bounded RSS, and it serves normally afterwards. Bounded in time (about 20 s) and to
 * loopback. The numbers are printed (docs/reliability.md, "Overload").
 */
class OverloadIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_IN_FLIGHT = 16;

    static SmtpPeer smtp;
    static ServiceProcess service;

    @BeforeAll
    static void start() {
        smtp = SmtpPeer.start();
        service = ServiceProcess.start("overload", List.of("-Xmx256m"), smtp.serviceProperties(
                Map.entry("rules.path", "src/test/resources/testdata/ledger-rules.yaml"),
                Map.entry("ingest.max-in-flight", String.valueOf(MAX_IN_FLIGHT)),
                Map.entry("ingest.deadline", "10s"),
                Map.entry("ingest.retry-after", "5s")));
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

    /** A batch of {@code n} drift events with fresh ids, as Event Grid sends with batching on. */
    static String batch(int n) throws Exception {
        ObjectNode template = (ObjectNode) JSON.readTree(TestData.bytes("events/eventgrid/DatasetDriftDetected.json")).get(0);
        ArrayNode array = JSON.createArrayNode();
        for (int i = 0; i < n; i++) {
            array.add(template.deepCopy().put("id", UUID.randomUUID().toString()));
        }
        return JSON.writeValueAsString(array);
    }

    /** Sends every body with at most {@code concurrency} requests open at once; the replies in order. */
    static List<Reply> flood(List<String> bodies, int concurrency) {
        Semaphore open = new Semaphore(concurrency);
        List<CompletableFuture<Reply>> replies = new ArrayList<>();
        for (String body : bodies) {
            open.acquireUninterruptibly();
            replies.add(Http.deliverAsync(service, body).whenComplete((r, t) -> open.release()));
        }
        return replies.stream().map(CompletableFuture::join).toList();
    }

    static String type(Reply r) {
        return r.status() == 503 ? r.json().get("type").asText().replace("urn:aml-event-router:problem:", "") : "";
    }

    static List<Duration> latencies(List<Reply> replies, String problem) {
        return replies.stream().filter(r -> r.status() == 503 && type(r).equals(problem)).map(Reply::took).sorted()
                .toList();
    }

    static String summary(String name, List<Reply> replies) {
        Map<String, Long> byAnswer = replies.stream().collect(Collectors.groupingBy(
                r -> r.status() + (r.status() == 503 ? " " + type(r) : ""), TreeMap::new, Collectors.counting()));
        List<Duration> refused = latencies(replies, "overloaded");
        return String.format("%s: %d deliveries, answers %s; refusal latency p50 %d ms, p99 %d ms, max %d ms", name,
                replies.size(), byAnswer, pct(refused, 50), pct(refused, 99), pct(refused, 100));
    }

    static long pct(List<Duration> sorted, int p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int i = Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * p / 100.0) - 1);
        return sorted.get(Math.max(0, i)).toMillis();
    }

    @Test
    void aFloodIsShedWith503AndTheServiceRecovers() throws Exception {
        // warm up, then the baseline
        for (int i = 0; i < 20; i++) {
            assertThat(Http.deliver(service, Events.eventGrid("DatasetDriftDetected.json")).status()).isEqualTo(200);
        }
        ServiceProcess.Memory before = service.memory();
        smtp.delay("drift, event", Duration.ofSeconds(3));
        long start = System.nanoTime();

        List<String> singles = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            singles.add(Events.eventGrid("DatasetDriftDetected.json").body());
        }
        List<Reply> singleReplies = flood(singles, 64);
        List<String> batches = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            batches.add(batch(1000)); // about 0.9 MB each, under the 1 MiB limit
        }
        List<Reply> batchReplies = flood(batches, 15);
        Duration floodTime = Duration.ofNanos(System.nanoTime() - start);
        ServiceProcess.Memory during = service.memory();

        System.out.println(summary("single events", singleReplies));
        System.out.println(summary("1000-event batches", batchReplies));
        System.out.printf("flood took %d ms; RSS before %d MiB, after flood %d MiB, peak %d MiB (-Xmx256m)%n",
                floodTime.toMillis(), before.rssKib() / 1024, during.rssKib() / 1024, during.peakRssKib() / 1024);

        List<Reply> all = new ArrayList<>(singleReplies);
        all.addAll(batchReplies);
        assertThat(all).extracting(Reply::status).as("only 200 or 503, never 4xx or a dropped connection")
                .allMatch(s -> s == 200 || s == 503);
        assertThat(all).filteredOn(r -> r.status() == 503).allSatisfy(r -> {
            assertThat(r.retryAfter()).isEqualTo("5");
            assertThat(type(r)).isIn("overloaded", "not-finished");
        });
        // Accepted: answered 200, or 503 not-finished when still running at the 10 s deadline.
        assertThat(singleReplies).filteredOn(r -> r.status() == 200 || type(r).equals("not-finished"))
                .hasSizeGreaterThanOrEqualTo(MAX_IN_FLIGHT);
        assertThat(batchReplies).as("batches arriving while the replica is at its bound are refused")
                .anyMatch(r -> type(r).equals("overloaded"));
        List<Duration> refused = latencies(all, "overloaded");
        assertThat(refused).hasSizeGreaterThan(500);
        assertThat(pct(refused, 50)).as("refusals are prompt, not queued behind the slow actions").isLessThan(2000);
        assertThat(pct(refused, 100)).as("no refusal waits for the deadline").isLessThan(10_000);
        assertThat(service.alive()).isTrue();
        assertThat(service.log()).doesNotContain("OutOfMemoryError");
        assertThat(during.peakRssKib()).as("peak RSS (KiB) within the pod's 512Mi limit").isLessThan(512 * 1024);

        // Recovery: once the slow actions are done, deliveries are taken again at once.
        smtp.reset();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                .until(() -> Http.get(service, "/q/health/ready").json().findValue("eventsInFlight").asInt() == 0);
        for (int i = 0; i < 5; i++) {
            Reply r = Http.deliver(service, Events.eventGrid("DatasetDriftDetected.json"));
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.took()).as("not queued behind the flood").isLessThan(Duration.ofSeconds(5));
        }
        // An idle replica takes a batch larger than the bound whole: otherwise Event Grid could never deliver it.
        Reply big = Http.deliverAsync(service, batch(3 * MAX_IN_FLIGHT)).join();
        assertThat(big.status()).as(big.body()).isEqualTo(200);
        System.out.printf("after recovery: RSS %d MiB%n", service.memory().rssKib() / 1024);
    }
}
