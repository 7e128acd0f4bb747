package io.amlrouter.ingest.eventhubs;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;

import io.amlrouter.support.EventFixtures;
import io.amlrouter.support.Http.Reply;
import io.amlrouter.support.Http;
import io.amlrouter.support.KafkaBroker;
import io.amlrouter.support.RedisServer;
import io.amlrouter.support.ServiceProcess;
import io.amlrouter.support.TestData;
import io.amlrouter.support.WireMockResource;

/**
 * The Event Hubs ingest end to end: a real KRaft broker ({@link KafkaBroker}), two replicas of the packaged
 * service in one consumer group sharing a real Redis ledger, and WireMock over HTTPS as the webhook target,
 * which counts the effects per event ({@code testdata/eventhubs-rules.yaml}). One topic of 4 partitions for
 * the whole class; the tests run in order and each counts only its own events.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EventHubsIngestIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOPIC = "aml-events";
    static final String DLQ = "aml-events-dead";
    static final String GROUP = "router-it";
    static final int PARTITIONS = 4;

    static KafkaBroker kafka;
    static RedisServer redis;
    static WireMockResource peers;
    static WireMockServer wm;
    static Map<String, String> peerProps;
    static Path rules;
    static ServiceProcess a;
    static ServiceProcess b;

    @BeforeAll
    static void start() throws IOException {
        CompletableFuture<KafkaBroker> broker = CompletableFuture.supplyAsync(KafkaBroker::start);
        redis = RedisServer.startNew();
        peers = new WireMockResource();
        peerProps = peers.start();
        wm = WireMockResource.server();
        wm.stubFor(post(urlPathEqualTo("/eh/count")).willReturn(ok()));
        wm.stubFor(post(urlPathEqualTo("/eh/flaky")).willReturn(ok()));
        rules = Files.createTempDirectory("eventhubs-it").resolve("rules.yaml");
        Files.writeString(rules, TestData.text("eventhubs-rules.yaml").replace(WireMockResource.HOST_PLACEHOLDER,
                WireMockResource.httpsUrl()).replace(WireMockResource.IP_HOST_PLACEHOLDER, WireMockResource.httpsIpUrl()));
        kafka = broker.join();
        kafka.createTopic(TOPIC, PARTITIONS);
        kafka.createTopic(DLQ, 1);
        CompletableFuture<ServiceProcess> first = CompletableFuture.supplyAsync(() -> replica("eh-a"));
        CompletableFuture<ServiceProcess> second = CompletableFuture.supplyAsync(() -> replica("eh-b"));
        a = first.join();
        b = second.join();
    }

    static ServiceProcess replica(String name) {
        Map<String, String> p = new HashMap<>(peerProps);
        p.put("rules.path", rules.toString());
        p.put("email.delivery", "log");
        p.put("ledger.store", "redis");
        p.put("quarkus.redis.hosts", redis.url());
        p.put("ledger.owner", name);
        // A killed replica's claims lapse quickly; the survivor waits for them rather than failing.
        p.put("ledger.claim-lease", "4s");
        p.put("rules.held-claim-wait", "8s");
        p.put("actions.http.retry.budget", "500ms");
        p.put("actions.http.retry.initial-delay", "100ms");
        // The failing target opens its origin's breaker (the count target shares the origin). At the default 30 s it
        // stayed open after the target recovered until the flaky records' 40 attempts (about 35 s) ran out, and they
        // went to the dead-letter topic (a CI run of 23c04c3); the component test sets the same for that reason.
        p.put("actions.http.circuit-breaker.delay", "1s");
        p.put("ingest.eventhubs.bootstrap-servers", kafka.bootstrap());
        p.put("ingest.eventhubs.topic", TOPIC);
        p.put("ingest.eventhubs.consumer-group", GROUP);
        p.put("ingest.eventhubs.dead-letter-topic", DLQ);
        p.put("ingest.eventhubs.auth", "none");
        p.put("ingest.eventhubs.allow-plaintext", "true");
        p.put("ingest.eventhubs.max-in-flight", "50");
        p.put("ingest.eventhubs.retry.initial-delay", "300ms");
        p.put("ingest.eventhubs.retry.max-delay", "1s");
        p.put("ingest.eventhubs.retry.max-attempts", "40");
        p.put("ingest.eventhubs.retry.attempt-timeout", "5s");
        // A SIGKILLed member is out of the group within seconds (Event Hubs' own default is the 30 s here).
        p.put("mp.messaging.incoming.eventhubs.session.timeout.ms", "6000");
        p.put("mp.messaging.incoming.eventhubs.heartbeat.interval.ms", "1000");
        p.put("mp.messaging.incoming.eventhubs.auto.commit.interval.ms", "500");
        // C1 only: a replica starts in half the CPU time on a busy CI machine; 1,000 events need no C2.
        return ServiceProcess.start(name, List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"), p);
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] { a, b, redis, kafka }) {
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
    }

    /** A fresh RunCompleted event for the rule {@code eh-<tag>}. */
    static ObjectNode event(String tag) {
        ObjectNode event = EventFixtures.fresh("eventgrid/RunCompleted.json");
        ((ObjectNode) EventFixtures.data(event).get("runTags")).put("eh", tag);
        return event;
    }

    /** Event Grid's way: one event object per record, with its aeg-* headers. */
    static KafkaBroker.Record record(int partition, ObjectNode event) {
        return KafkaBroker.Record.of(partition, event.get("id").asText(), event.toString()).withHeaders(Map.of(
                "aeg-subscription-name", "AML-EVENTS", "aeg-delivery-count", "0", "aeg-event-type", "Notification",
                "aeg-metadata-version", "1", "aeg-data-version", "2"));
    }

    /** The effects at the path: webhook calls answered 2xx, counted per event id (503 answers are not effects). */
    static Map<String, Long> effects(String path) {
        return wm.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().equals(path) && e.getResponse().getStatus() / 100 == 2)
                .map(e -> {
                    try {
                        return JSON.readTree(e.getRequest().getBodyAsString()).get("id").asText();
                    } catch (IOException x) {
                        throw new UncheckedIOException(x);
                    }
                }).collect(Collectors.groupingBy(Function.identity(), TreeMap::new, Collectors.counting()));
    }

    static Map<String, Long> effects(String path, List<String> ids) {
        Map<String, Long> all = effects(path);
        Map<String, Long> mine = new TreeMap<>();
        ids.forEach(id -> {
            if (all.containsKey(id)) {
                mine.put(id, all.get(id));
            }
        });
        return mine;
    }

    /** Waits until the group's committed offset of every partition is its end (no offset committed: 0). */
    static void awaitCommitted(Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> assertThat(committed())
                .isEqualTo(kafka.endOffsets(TOPIC, PARTITIONS)));
    }

    static Map<Integer, Long> committed() {
        Map<Integer, Long> c = new HashMap<>(kafka.committed(GROUP, TOPIC));
        for (int p = 0; p < PARTITIONS; p++) {
            c.putIfAbsent(p, 0L);
        }
        return c;
    }

    static JsonNode history(ServiceProcess service, String id) {
        Reply r = Http.admin(service, "GET", "/events/" + id);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    @Test
    @Order(1)
    void aThousandEventsOverFourPartitionsRunEachActionOnceThoughAReplicaIsKilledMidRun() {
        List<KafkaBroker.Record> records = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            ObjectNode e = event("count");
            ids.add(e.get("id").asText());
            records.add(record(i % PARTITIONS, e));
        }
        Instant start = Instant.now();
        kafka.send(TOPIC, records);
        // Kill replica A (SIGKILL: no shutdown, no commit, claims left held) once the run is well under way.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> effects("/eh/count", ids).size() >= 250);
        a.kill();
        int atKill = effects("/eh/count", ids).size();
        a = replica("eh-a");

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                .until(() -> effects("/eh/count", ids).size() == ids.size());
        awaitCommitted(Duration.ofSeconds(30));
        Duration took = Duration.between(start, Instant.now());
        Map<String, Long> counts = effects("/eh/count", ids);
        assertThat(counts).as("no event lost").hasSize(1000);
        // A repeat is possible only in the crash's "sync gap": the killed replica had sent the webhook and was
        // killed before the ledger recorded it. The ledger then shows a second attempt; every other action, and
        // every action whose success was recorded, ran exactly once.
        List<String> repeated = counts.entrySet().stream().filter(en -> en.getValue() > 1).map(Map.Entry::getKey).toList();
        for (String id : repeated) {
            assertThat(counts.get(id)).as(id).isEqualTo(2);
            JsonNode action = history(b, id).get("actions").get(0);
            assertThat(action.get("state").asText()).isEqualTo("SUCCEEDED");
            assertThat(action.get("attempts").asInt()).as(id).isEqualTo(2);
        }
        assertThat(repeated.size()).as("at most the killed replica's in-flight window").isLessThanOrEqualTo(50);
        // A repeat carries the same Idempotency-Key as the first call (the action's ledger key): a receiver that
        // honours it applies every one of the 1,000 actions exactly once.
        Map<String, java.util.Set<String>> keys = wm.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().equals("/eh/count") && e.getResponse().getStatus() / 100 == 2)
                .collect(Collectors.groupingBy(e -> {
                    try {
                        return JSON.readTree(e.getRequest().getBodyAsString()).get("id").asText();
                    } catch (IOException x) {
                        throw new UncheckedIOException(x);
                    }
                }, Collectors.mapping(e -> String.valueOf(e.getRequest().getHeader("Idempotency-Key")),
                        Collectors.toSet())));
        for (String id : ids) {
            assertThat(keys.get(id)).as(id).hasSize(1).allMatch(k -> k.startsWith(id + "/"));
        }
        System.out.printf("EventHubsIngestIT: 1000 events, %d effects when replica A was killed, %d repeated in its "
                + "sync gap, all consumed and committed in %d ms%n", atKill, repeated.size(), took.toMillis());
        // The history keeps Event Grid's headers of the record, and where it was read.
        JsonNode delivery = history(b, ids.get(999)).get("delivery");
        assertThat(delivery.get("aeg-subscription-name").asText()).isEqualTo("AML-EVENTS");
        assertThat(delivery.get("aeg-delivery-count").asText()).isEqualTo("0");
        assertThat(delivery.get("aeg-event-type").asText()).isEqualTo("Notification");
        assertThat(delivery.get("record").asText()).matches(TOPIC + "/3@\\d+");
    }

    @Test
    @Order(2)
    void aTargetFailingForTenSecondsLosesNothingRepeatsNothingAndBlocksNoOtherPartition() {
        StubMapping failing = wm.stubFor(post(urlPathEqualTo("/eh/flaky")).atPriority(1)
                .willReturn(aResponse().withStatus(503)));
        List<KafkaBroker.Record> records = new ArrayList<>();
        List<String> flaky = new ArrayList<>();
        List<String> others = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            // Partition 0 carries the failing target's events AND healthy ones behind them.
            ObjectNode f = event("flaky");
            flaky.add(f.get("id").asText());
            records.add(record(0, f));
            ObjectNode o = event("count");
            others.add(o.get("id").asText());
            records.add(record(i % PARTITIONS, o));
        }
        awaitCommitted(Duration.ofSeconds(30));
        long firstFailing = kafka.endOffsets(TOPIC, PARTITIONS).get(0);
        Instant failingSince = Instant.now();
        kafka.send(TOPIC, records);
        try {
            // Everything else flows while the target fails, the later records of partition 0 included: all of it is
            // done while the target still answers 503 (it does for 10 s, and longer if a cold replica on a busy
            // machine needs longer for the others, so that "while" holds whatever the machine's speed).
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> effects("/eh/count", others).size() == others.size());
            assertThat(effects("/eh/flaky", flaky)).as("the failing target has no effect yet").isEmpty();
            // Partition 0's first new record fails: its commit stays there, though the records behind it are done.
            assertThat(committed().get(0)).as("nothing committed past the first failing record")
                    .isEqualTo(firstFailing);
            System.out.printf("EventHubsIngestIT: the other 40 events were done %d ms after the target began failing%n",
                    Duration.between(failingSince, Instant.now()).toMillis());
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                    .until(() -> Duration.between(failingSince, Instant.now()).compareTo(Duration.ofSeconds(10)) >= 0);
        } finally {
            wm.removeStub(failing);
        }

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> effects("/eh/flaky",
                flaky).values().stream().filter(n -> n >= 1).count() == flaky.size());
        awaitCommitted(Duration.ofSeconds(30));
        // No loss, no repeat: every event's action succeeded exactly once, after its failures.
        assertThat(effects("/eh/flaky", flaky)).hasSize(40).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));
        for (String id : flaky.subList(0, 3)) {
            JsonNode action = history(a, id).get("actions").get(0);
            assertThat(action.get("state").asText()).isEqualTo("SUCCEEDED");
            assertThat(action.get("attempts").asInt()).isGreaterThan(1);
        }
        assertThat(effects("/eh/count", others)).hasSize(40).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));
        assertThat(kafka.readAll(DLQ)).as("nothing dead-lettered").isEmpty();
    }

    @Test
    @Order(3)
    void aPoisonRecordGoesToTheDeadLetterTopicAndThePartitionGoesOn() {
        ObjectNode after = event("count");
        kafka.send(TOPIC, List.of(KafkaBroker.Record.of(1, "poison-1", "this is not JSON"),
                KafkaBroker.Record.of(1, "poison-2", "{\"eventType\":\"Microsoft.MachineLearningServices.RunCompleted\"}"),
                record(1, after)));
        await().atMost(Duration.ofSeconds(30)).until(() -> effects("/eh/count", List.of(after.get("id").asText()))
                .size() == 1);
        awaitCommitted(Duration.ofSeconds(30));
        List<ConsumerRecord<String, byte[]>> dead = kafka.readAll(DLQ);
        assertThat(dead).extracting(ConsumerRecord::key).containsExactlyInAnyOrder("poison-1", "poison-2");
        for (ConsumerRecord<String, byte[]> r : dead) {
            String reason = new String(r.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8);
            assertThat(reason).startsWith("not an event");
            if (r.key().equals("poison-2")) {
                assertThat(reason).contains("id").contains("missing");
            }
        }
        String metrics = Http.get(a, "/q/metrics").body() + Http.get(b, "/q/metrics").body();
        assertThat(metrics).contains("eventhubs_records_total{outcome=\"poison\"");
    }

    @Test
    @Order(4)
    void aRestartResumesFromTheCommittedOffsets() {
        awaitCommitted(Duration.ofSeconds(30));
        Map<String, Long> before = effects("/eh/count");
        long total = before.values().stream().mapToLong(Long::longValue).sum();
        a.close();
        b.close();
        assertThat(committed()).as("committed as the replicas left the group").isEqualTo(kafka.endOffsets(TOPIC,
                PARTITIONS));

        List<KafkaBroker.Record> records = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ObjectNode e = event("count");
            ids.add(e.get("id").asText());
            records.add(record(i % PARTITIONS, e));
        }
        kafka.send(TOPIC, records);
        a = replica("eh-a");
        await().atMost(Duration.ofSeconds(60)).until(() -> effects("/eh/count", ids).size() == 20);
        awaitCommitted(Duration.ofSeconds(30));
        // Only the new records were read: nothing committed before the restart came again (the replica counts
        // every record it finished, redeliveries included), and only their actions ran.
        assertThat(Http.get(a, "/q/metrics").body()).contains("eventhubs_records_total{outcome=\"done\"} 20.0");
        long now = effects("/eh/count").values().stream().mapToLong(Long::longValue).sum();
        assertThat(now - total).isEqualTo(20);
        // The only replica owns the four partitions, all read to their end: a lag of 0 each.
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            String metrics = Http.get(a, "/q/metrics").body();
            for (int p = 0; p < PARTITIONS; p++) {
                assertThat(metrics).contains("eventhubs_consumer_lag{partition=\"" + p + "\",topic=\"" + TOPIC + "\"} 0.0");
            }
        });
    }
}
