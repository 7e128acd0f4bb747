package io.amlrouter.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.amlrouter.support.Events;
import io.amlrouter.support.Http.Reply;
import io.amlrouter.support.Http;
import io.amlrouter.support.ServiceProcess;

/**
 * Issue 18 point 3 on the packaged service at {@code -Xmx256m} with the in-memory ledger: 200
 * connections at once post batches of 4,500 events (about 1 MiB, just under the body limit), and
 * each connection posts its refused batch again a second later, for 10 s. Deliveries are admitted
 * before their body is read ({@code ingest.max-buffered-bytes}, {@code ingest.max-in-flight}), so the
 * process survives (no {@code OutOfMemoryError}), every refusal is a 503 {@code overloaded} problem
 * with {@code Retry-After} (never 400 or 413, never a dropped connection), and every event of an
 * accepted delivery is routed exactly once. Peak heap (from the GC log) and RSS are printed
 * (docs/reliability.md, "Overload").
 */
class LargeBatchFloodIT {

    static final int CONNECTIONS = 200;
    static final int EVENTS = 4500;
    static final Duration FLOOD = Duration.ofSeconds(10);
    static final Path GC_LOG = Path.of("target", "it-logs", "large-batch-flood-gc.log");
    static final Pattern HEAP = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

    static ServiceProcess service;

    @BeforeAll
    static void start() throws IOException {
        Files.createDirectories(GC_LOG.getParent());
        Files.deleteIfExists(GC_LOG);
        service = ServiceProcess.start("large-batch-flood",
                List.of("-Xmx256m", "-XX:+ExitOnOutOfMemoryError", "-Xlog:gc:file=" + GC_LOG),
                Map.of("rules.path", "src/test/resources/testdata/ledger-rules.yaml", "ingest.retry-after", "1s"));
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    /** Batch {@code b}: 4,500 RunStatusChanged events no rule matches (runStatus Running), ids unique. */
    static byte[] batch(int b) {
        StringBuilder json = new StringBuilder(1_050_000).append('[');
        for (int i = 0; i < EVENTS; i++) {
            json.append(i == 0 ? "" : ",").append("{\"id\":\"flood-").append(b).append('-').append(i)
                    .append("\",\"topic\":\"/subscriptions/s/resourceGroups/g/providers/Microsoft.MachineLearningServices/")
                    .append("workspaces/w\",\"eventType\":\"Microsoft.MachineLearningServices.RunStatusChanged\",")
                    .append("\"data\":{\"runStatus\":\"Running\"}}");
        }
        return json.append(']').toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * This test's own client: 200 connections opened at once on a busy 2-core machine can take longer
     * to be accepted than the shared client's 5 s connect timeout.
     */
    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30)).build();

    static CompletableFuture<Reply> post(byte[] body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(service.url() + "/events?key=" + ServiceProcess.INGEST_KEY))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        long start = System.nanoTime();
        return CLIENT.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(r -> new Reply(r.statusCode(), r.headers().firstValue("Retry-After").orElse(null),
                        r.headers().firstValue("Content-Type").orElse(null), r.body(),
                        Duration.ofNanos(System.nanoTime() - start), null))
                .exceptionally(t -> new Reply(-1, null, null, null, Duration.ofNanos(System.nanoTime() - start),
                        String.valueOf(t.getCause() != null ? t.getCause() : t)));
    }

    /** One connection: posts its batch until it is taken or the flood is over, a second between tries. */
    static CompletableFuture<Void> connection(byte[] body, long until, ConcurrentLinkedQueue<Reply> replies) {
        return post(body).thenCompose(r -> {
            replies.add(r);
            boolean refused = r.status() == 503 && r.body() != null && r.body().contains(":overloaded");
            if (!refused || System.nanoTime() > until) {
                return CompletableFuture.completedFuture(null);
            }
            return CompletableFuture.runAsync(() -> { },
                    CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS)).thenCompose(x -> connection(body, until, replies));
        });
    }

    static double unmatched() {
        for (String line : Http.get(service, "/q/metrics").body().split("\n")) {
            if (line.startsWith("events_unmatched_total{") && line.contains("reason=\"no-rule-matched\"")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no events_unmatched_total{reason=\"no-rule-matched\"}");
    }

    static String problem(Reply r) {
        return r.status() == 503 && r.body() != null ? r.json().path("type").asText().replaceAll(".*:", "") : "";
    }

    /** The highest heap occupancy before a collection, from the GC log, in MiB. */
    static long peakHeapMib() throws IOException {
        Matcher m = HEAP.matcher(Files.readString(GC_LOG));
        long peak = 0;
        while (m.find()) {
            peak = Math.max(peak, Long.parseLong(m.group(1)));
        }
        return peak;
    }

    @Test
    void aFloodOfLargeBatchesFromManyConnectionsIsRefusedBeforeReadingAndLosesNothing() throws Exception {
        assertThat(Http.deliver(service, Events.eventGrid("RunStatusChanged.json")).status()).isEqualTo(200);
        List<byte[]> bodies = new ArrayList<>();
        for (int c = 0; c < CONNECTIONS; c++) {
            bodies.add(batch(c));
        }
        assertThat(bodies.get(0).length).as("about 1 MiB, under the 1M body limit").isBetween(900_000, 1_048_576);
        double unmatchedBefore = unmatched();
        ServiceProcess.Memory before = service.memory();
        long heapBefore = peakHeapMib();

        long start = System.nanoTime();
        long until = start + FLOOD.toNanos();
        ConcurrentLinkedQueue<Reply> replies = new ConcurrentLinkedQueue<>();
        List<CompletableFuture<Void>> connections = bodies.stream().map(b -> connection(b, until, replies)).toList();
        CompletableFuture.allOf(connections.toArray(CompletableFuture[]::new)).join();
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(service.alive()).as("the process survives the flood").isTrue();
        assertThat(service.log()).doesNotContain("OutOfMemoryError");
        ServiceProcess.Memory after = service.memory();
        Map<String, Long> byAnswer = replies.stream().collect(Collectors.groupingBy(
                r -> r.status() + (r.status() == 503 ? " " + problem(r) : r.status() == -1 ? " " + r.error() : ""),
                TreeMap::new, Collectors.counting()));
        List<Long> refusalMillis = replies.stream().filter(r -> problem(r).equals("overloaded"))
                .map(r -> r.took().toMillis()).sorted().toList();
        System.out.printf("%d connections x %d-byte batches of %d events for %d ms: answers %s; refusal p50 %d ms, "
                + "max %d ms; heap peak before the flood %d MiB, during %d MiB (-Xmx256m); RSS before %d MiB, peak %d MiB%n",
                CONNECTIONS, bodies.get(0).length, EVENTS, took.toMillis(), byAnswer,
                refusalMillis.isEmpty() ? 0 : refusalMillis.get(refusalMillis.size() / 2),
                refusalMillis.isEmpty() ? 0 : refusalMillis.get(refusalMillis.size() - 1), heapBefore, peakHeapMib(),
                before.rssKib() / 1024, after.peakRssKib() / 1024);

        assertThat(replies).allSatisfy(r -> {
            assertThat(r.status()).as("answer %s %s", r.error(), r.body()).isIn(200, 503);
            if (r.status() == 503) {
                assertThat(problem(r)).isIn("overloaded", "not-finished");
                assertThat(r.contentType()).startsWith("application/problem+json");
                assertThat(r.retryAfter()).isEqualTo("1");
            }
        });
        List<Reply> accepted = replies.stream().filter(r -> r.status() == 200 || problem(r).equals("not-finished"))
                .toList();
        assertThat(accepted).as("the replica takes batches while refusing the rest").isNotEmpty();
        assertThat(refusalMillis).as("most of the flood is refused").hasSizeGreaterThan(CONNECTIONS / 2);
        accepted.forEach(r -> assertThat(r.json().get("events")).hasSize(EVENTS));
        long taken = accepted.stream().flatMap(r -> java.util.stream.StreamSupport.stream(r.json().get("events").spliterator(), false))
                .filter(e -> !e.path("state").asText().equals("failed")).count();
        assertThat(taken).as("every event of a taken batch is handed to the router (none 'failed')")
                .isEqualTo((long) accepted.size() * EVENTS);

        // Nothing accepted is lost: every event of every accepted batch is routed, once.
        double expected = unmatchedBefore + (double) taken;
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(unmatched()).isGreaterThanOrEqualTo(expected));
        assertThat(unmatched()).isEqualTo(expected);

        // And it serves normally afterwards.
        Reply after1 = Http.deliver(service, Events.eventGrid("RunStatusChanged.json"));
        assertThat(after1.status()).as(after1.body()).isEqualTo(200);
        assertThat(post(bodies.get(0)).join().status()).as("a refused batch delivered again is taken").isEqualTo(200);
        assertThat(service.alive()).isTrue();
    }
}
