package io.amlrouter.ingest.eventhubs;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;

import io.amlrouter.support.ActionTestSupport;
import io.amlrouter.support.KafkaBroker;
import io.amlrouter.support.Metrics;
import io.amlrouter.support.WireMockResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/**
 * The Event Hubs ingest against a real Kafka broker ({@link EventHubsKafkaResource}, in this JVM) and a webhook
 * target over HTTPS (WireMock): commit after effect, in order, and dead letters past the retry budget. All
 * records go to one partition, so "the records behind" are the same partition's later offsets. The failing
 * record's target is {@code test-webhook-breaker} (the WireMock server by name), the healthy ones'
 * {@code test-webhook-other-origin} (by IP): another origin, so another circuit breaker, which the failing target's
 * failures in the same test cannot open.
 */
@QuarkusTest
@TestProfile(EventHubsDeadLetterTest.WithKafka.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EventHubsDeadLetterTest {

    public static class WithKafka implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(EventHubsKafkaResource.class));
        }
    }

    private final List<StubMapping> stubs = new ArrayList<>();

    @AfterEach
    void removeStubs() {
        stubs.forEach(wm()::removeStub);
        stubs.clear();
    }

    static WireMockServer wm() {
        return WireMockResource.server();
    }

    static KafkaBroker kafka() {
        return EventHubsKafkaResource.broker();
    }

    /** Event Grid's way: one event per record, keyed by its id, with its aeg-* headers. */
    static KafkaBroker.Record record(ObjectNode event) {
        return KafkaBroker.Record.of(0, event.get("id").asText(), event.toString()).withHeaders(Map.of(
                "aeg-subscription-name", "AML-EVENTS", "aeg-delivery-count", "0", "aeg-event-type", "Notification",
                "aeg-metadata-version", "1", "aeg-data-version", "2"));
    }

    static String run(ObjectNode event) {
        return event.at("/data/runId").asText();
    }

    /** Calls of the path for this run answered with this status. */
    static long answered(String path, String run, int status) {
        return wm().getAllServeEvents().stream().filter(e -> e.getRequest().getUrl().equals(path)
                && e.getRequest().getBodyAsString().contains(run) && e.getResponse().getStatus() == status).count();
    }

    /** The committed offset of partition 0 (0 when none is). */
    static long committed() {
        return kafka().committed(EventHubsKafkaResource.GROUP, EventHubsKafkaResource.TOPIC).getOrDefault(0, 0L);
    }

    static long end() {
        return kafka().endOffsets(EventHubsKafkaResource.TOPIC, 1).get(0);
    }

    static JsonPath history(String id) {
        return given().header("Authorization", "Bearer test-admin-key").get("/events/" + id).then().statusCode(200)
                .extract().jsonPath();
    }

    static double deadLetters() {
        Metrics m = Metrics.parse(given().get("/q/metrics").then().statusCode(200).extract().asString());
        return m.has("actions_dead_letters_total", "rule", "test-webhook-breaker")
                ? m.value("actions_dead_letters_total", "rule", "test-webhook-breaker") : 0;
    }

    /** The healthy records behind the failing one: their target answers 200. */
    List<ObjectNode> healthy(int n) {
        List<ObjectNode> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ObjectNode e = ActionTestSupport.runCompleted("webhook-other-origin");
            stubs.add(wm().stubFor(post(urlPathEqualTo("/hooks/flaky")).withRequestBody(containing(run(e)))
                    .willReturn(ok())));
            events.add(e);
        }
        return events;
    }

    @Test
    @Order(1)
    void aRecordWhoseTargetNeverRecoversIsDeadLetteredPastTheBudgetAndThePartitionCommitsPastIt() {
        await().atMost(Duration.ofSeconds(20)).until(() -> committed() == end());
        double deadBefore = deadLetters();
        ObjectNode doomed = ActionTestSupport.runCompleted("webhook-breaker");
        String id = doomed.get("id").asText();
        stubs.add(wm().stubFor(post(urlPathEqualTo("/hooks/breaker")).withRequestBody(containing(run(doomed)))
                .willReturn(aResponse().withStatus(503))));
        List<ObjectNode> behind = healthy(3);
        long doomedOffset = end();
        List<KafkaBroker.Record> records = new ArrayList<>(List.of(record(doomed)));
        behind.forEach(e -> records.add(record(e)));
        kafka().send(EventHubsKafkaResource.TOPIC, records);

        // The partition's later records are done while the first one still fails.
        await().atMost(Duration.ofSeconds(20)).until(() -> behind.stream()
                .allMatch(e -> answered("/hooks/flaky", run(e), 200) == 1));
        // Past the budget (8 attempts, about 7 s): the dead-letter topic, with the reason.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> kafka().readAll(EventHubsKafkaResource.DLQ).stream().anyMatch(r -> id.equals(r.key())));
        ConsumerRecord<String, byte[]> dead = kafka().readAll(EventHubsKafkaResource.DLQ).stream()
                .filter(r -> id.equals(r.key())).findFirst().orElseThrow();
        Header reason = dead.headers().lastHeader("dead-letter-reason");
        assertThat(reason).as("dead-letter-reason header").isNotNull();
        assertThat(new String(reason.value(), StandardCharsets.UTF_8))
                .startsWith("actions still owed after 8 attempt(s)").contains(id);
        assertThat(new String(dead.value(), StandardCharsets.UTF_8)).contains(id);
        assertThat(answered("/hooks/breaker", run(doomed), 200)).isZero();

        // The ledger's dead letter: the action FAILED (replayable), counted as a dead letter.
        JsonPath h = history(id);
        assertThat(h.getString("actions[0].rule")).isEqualTo("test-webhook-breaker");
        assertThat(h.getString("actions[0].state")).isEqualTo("FAILED");
        assertThat(h.getString("actions[0].lastError")).contains("eventhubs: actions still owed after 8 attempt(s)");
        assertThat(deadLetters()).isEqualTo(deadBefore + 1);

        // Committed past it, and past the records behind it.
        await().atMost(Duration.ofSeconds(10)).until(() -> committed() == doomedOffset + 4);
        assertThat(end()).isEqualTo(doomedOffset + 4);
    }

    @Test
    @Order(2)
    void theCommitWaitsForAFailingRecordThoughTheRecordsBehindItAreDone() {
        await().atMost(Duration.ofSeconds(20)).until(() -> committed() == end());
        ObjectNode slow = ActionTestSupport.runCompleted("webhook-breaker");
        String id = slow.get("id").asText();
        StubMapping failing = wm().stubFor(post(urlPathEqualTo("/hooks/breaker")).withRequestBody(containing(run(slow)))
                .atPriority(1).willReturn(aResponse().withStatus(503)));
        stubs.add(failing);
        stubs.add(wm().stubFor(post(urlPathEqualTo("/hooks/breaker")).withRequestBody(containing(run(slow)))
                .atPriority(5).willReturn(ok())));
        List<ObjectNode> behind = healthy(5);
        long n = end();
        List<KafkaBroker.Record> records = new ArrayList<>(List.of(record(slow)));
        behind.forEach(e -> records.add(record(e)));
        kafka().send(EventHubsKafkaResource.TOPIC, records);

        await().atMost(Duration.ofSeconds(20)).until(() -> behind.stream()
                .allMatch(e -> answered("/hooks/flaky", run(e), 200) == 1));
        // N+1..N+5 are done and acknowledged; for several commit periods (200 ms) the offset stays at N.
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(committed()).as("committed offset of partition 0 while record %d is "
                        + "owed and %d..%d are done", n, n + 1, n + 5).isEqualTo(n));
        // ... while N is still owed (not yet dead-lettered: that would commit it too). Its breaker starts closed
        // (support.ClosedCircuitBreakers), so its calls reach the receiver: CLAIMED while an attempt runs, PENDING
        // between attempts.
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(20)).untilAsserted(
                () -> assertThat(history(id).getString("actions[0].state")).isEqualTo("PENDING"));

        wm().removeStub(failing);
        stubs.remove(failing);
        await().atMost(Duration.ofSeconds(20)).until(() -> answered("/hooks/breaker", run(slow), 200) == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> committed() == n + 6);
        assertThat(history(id).getString("actions[0].state")).isEqualTo("SUCCEEDED");
        assertThat(kafka().readAll(EventHubsKafkaResource.DLQ)).noneMatch(r -> id.equals(r.key()));
        behind.forEach(e -> assertThat(answered("/hooks/flaky", run(e), 200)).isEqualTo(1));
    }
}
