package io.amlrouter.guard;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

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

import io.amlrouter.rules.action.ArmNames;
import io.amlrouter.support.EventFixtures;
import io.amlrouter.support.Events;
import io.amlrouter.support.Http.Reply;
import io.amlrouter.support.Http;
import io.amlrouter.support.Metrics;
import io.amlrouter.support.RedisServer;
import io.amlrouter.support.ServiceProcess;
import io.amlrouter.support.SmtpPeer;
import io.amlrouter.support.WireMockResource;

/**
 * Rate limits and silences end to end: two instances of the packaged service share one real Redis ledger,
 * ARM is WireMock over HTTPS (the amlJob action's PUTs are counted) and mail goes to a real SMTP server
 * (GreenMail). Rules: testdata/guard-rules.yaml.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GuardsIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String RULE = "retrain-on-drift";
    static final String TEAM = "team@contoso.com";
    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    static RedisServer redis;
    static SmtpPeer smtp;
    static WireMockResource peers;
    static WireMockServer wm;
    static Map<String, String> peerProperties;
    static ServiceProcess a;
    static ServiceProcess b;
    static final ExecutorService POOL = Executors.newFixedThreadPool(12);

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.startNew();
        smtp = SmtpPeer.start();
        peers = new WireMockResource();
        peerProperties = peers.start();
        wm = WireMockResource.server();
        wm.stubFor(put(urlPathMatching(".*/workspaces/[^/]+/jobs/[^/]+")).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"name\":\"job\",\"properties\":{\"jobType\":\"Command\",\"status\":\"NotStarted\"}}")));
        // One after the other: two JVMs starting at once on a small machine may not be ready within the wait.
        a = replica("guard-a");
        b = replica("guard-b");
    }

    static ServiceProcess replica(String name) {
        Map<String, String> props = new HashMap<>(peerProperties);
        props.putAll(smtp.serviceProperties(
                Map.entry("rules.path", "src/test/resources/testdata/guard-rules.yaml"),
                Map.entry("ledger.store", "redis"),
                Map.entry("quarkus.redis.hosts", redis.url()),
                Map.entry("ledger.owner", name),
                Map.entry("ingest.deadline", "8s"),
                Map.entry("rules.held-claim-wait", "6s")));
        return ServiceProcess.start(name, List.of("-Xmx256m"), props);
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
        if (peers != null) {
            peers.stop();
        }
        POOL.shutdownNow();
    }

    static Events.Delivery drift(String monitor) {
        ObjectNode event = EventFixtures.fresh("eventgrid/DatasetDriftDetected.json");
        EventFixtures.data(event).put("dataDriftName", monitor);
        return Events.of(event);
    }

    static Events.Delivery failedRun(String experiment) {
        ObjectNode event = EventFixtures.fresh("eventgrid/RunStatusChanged.json");
        event.put("subject", "experiments/" + experiment + "/runs/" + UUID.randomUUID());
        return Events.of(event);
    }

    static int jobPuts(Events.Delivery d) {
        return wm.findAll(putRequestedFor(urlPathMatching(".*/jobs/" + ArmNames.jobName(d.id(), RULE, 0)))).size();
    }

    static JsonNode history(ServiceProcess service, String id) {
        Reply r = Http.admin(service, "GET", "/events/" + id);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    static Reply adminJson(ServiceProcess service, String method, String path, String body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(service.url() + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + ServiceProcess.ADMIN_KEY).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            HttpResponse<String> r = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.headers().firstValue("Retry-After").orElse(null),
                    r.headers().firstValue("Content-Type").orElse(null) + "|" + r.headers().firstValue("Location")
                            .orElse(""), r.body(), Duration.ZERO, null);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static double limitedCount(ServiceProcess... services) {
        double sum = 0;
        for (ServiceProcess s : services) {
            sum += Metrics.parse(Http.get(s, "/q/metrics").body()).value("actions_limited_total", "kind", "amlJob",
                    "rule", RULE);
        }
        return sum;
    }

    /** Delivers until answered 200, as Event Grid would (without its back-off). */
    static void deliverUntilDone(ServiceProcess service, Events.Delivery d) {
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(300)).until(() -> {
            Reply r = Http.deliver(service, d);
            assertThat(r.status()).as(r.body()).isIn(200, 503);
            return r.status() == 200;
        });
    }

    @Test
    @Order(1)
    void threeDriftEventsOfOneMonitorWithinTheWindowStartOneJobAcrossReplicasAndRedeliveries() {
        String monitor = "monitor-" + UUID.randomUUID();
        double limitedBefore = limitedCount(a, b);
        List<Events.Delivery> events = List.of(drift(monitor), drift(monitor), drift(monitor));
        // Each event reaches both replicas at once (a duplicate delivery), then is delivered again.
        List<CompletableFuture<Void>> deliveries = new ArrayList<>();
        for (Events.Delivery d : events) {
            for (ServiceProcess replica : List.of(a, b)) {
                deliveries.add(CompletableFuture.runAsync(() -> deliverUntilDone(replica, d), POOL));
            }
        }
        deliveries.forEach(CompletableFuture::join);
        for (Events.Delivery d : events) {
            Reply again = Http.deliver(b, d);
            assertThat(again.status()).as(again.body()).isEqualTo(200);
            assertThat(again.json().at("/events/0/state").asText()).isEqualTo("done");
        }

        assertThat(events.stream().mapToInt(GuardsIT::jobPuts).sum()).as("jobs submitted for " + monitor).isEqualTo(1);
        List<String> states = new ArrayList<>();
        for (Events.Delivery d : events) {
            JsonNode action = history(a, d.id()).get("actions").get(0);
            states.add(action.get("state").asText());
            if (action.get("state").asText().equals("LIMITED")) {
                assertThat(action.get("detail").asText())
                        .isEqualTo("over its limit of 1 per 1d for key \"" + monitor + "\"");
                assertThat(action.has("lastError")).isFalse();
                assertThat(jobPuts(d)).isZero();
            } else {
                assertThat(jobPuts(d)).isEqualTo(1);
            }
        }
        assertThat(states).containsExactlyInAnyOrder("SUCCEEDED", "LIMITED", "LIMITED");
        assertThat(limitedCount(a, b) - limitedBefore).isEqualTo(2);

        // Another monitor has its own window.
        Events.Delivery other = drift("other-" + monitor);
        deliverUntilDone(a, other);
        assertThat(jobPuts(other)).isEqualTo(1);
        assertThat(history(b, other.id()).at("/actions/0/state").asText()).isEqualTo("SUCCEEDED");
    }

    @Test
    @Order(2)
    void theDryRunShowsTheRenderedLimitKey() {
        Events.Delivery d = drift("dry-run-monitor");
        Reply r = dryRun(a, d);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().at("/rules/0/actions/0/limit")).isEqualTo(JSON.createObjectNode()
                .put("key", "dry-run-monitor").put("max", 1).put("per", "1d"));
        assertThat(jobPuts(d)).isZero();
    }

    @Test
    @Order(3)
    void anActiveSilenceStopsTheMailUntilItEndsAndIsSharedByTheReplicas() {
        String experiment = "exp-" + UUID.randomUUID();
        Instant endsAt = Instant.now().plusSeconds(8);
        Reply created = adminJson(a, "POST", "/silences", """
                {"filter": {"includedEventTypes": ["Microsoft.MachineLearningServices.RunStatusChanged"],
                            "subjectBeginsWith": "experiments/%s/"},
                 "endsAt": "%s", "comment": "maintenance window", "createdBy": "GuardsIT"}
                """.formatted(experiment, endsAt));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().get("id").asText();
        assertThat(created.contentType()).endsWith("/silences/" + id);
        assertThat(created.json().get("status").asText()).isEqualTo("active");
        assertThat(created.json().get("origin").asText()).isEqualTo("api");

        // The other replica sees it (through Redis) within its cache time; its dry run names it.
        Events.Delivery silenced = failedRun(experiment);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(200)).until(() -> {
            Reply dry = dryRun(b, silenced);
            return dry.status() == 200 && dry.json().path("silencedBy").path(0).path("id").asText().equals(id);
        });
        Reply r = Http.deliver(b, silenced);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(smtp.countByRecipient(silenced.id())).isEmpty();
        JsonNode h = history(a, silenced.id());
        assertThat(h.get("outcome").asText()).isEqualTo("silenced");
        assertThat(h.get("silencedBy")).containsExactly(JSON.getNodeFactory().textNode(id));
        assertThat(h.get("matchedRules")).containsExactly(JSON.getNodeFactory().textNode("mail-failed-runs"));
        assertThat(h.get("actions")).isEmpty();
        Reply listed = Http.admin(b, "GET", "/silences");
        assertThat(listed.json().get("silences").findValuesAsText("id")).contains(id, "file-maintenance");

        // After endsAt the same kind of event is mailed again, on either replica.
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                .until(() -> Instant.now().isAfter(endsAt.plusMillis(1500)));
        Events.Delivery after = failedRun(experiment);
        Reply mailed = Http.deliver(b, after);
        assertThat(mailed.status()).as(mailed.body()).isEqualTo(200);
        assertThat(smtp.countByRecipient(after.id())).isEqualTo(Map.of(TEAM, 1L));
        assertThat(history(a, after.id()).get("outcome").asText()).isEqualTo("routed");
        assertThat(Http.admin(a, "GET", "/silences").json().get("silences").findValuesAsText("id")).doesNotContain(id);
        assertThat(Http.admin(a, "GET", "/silences?expired=true").json().get("silences").findValuesAsText("id"))
                .contains(id);
        assertThat(Http.admin(a, "GET", "/silences/" + id).json().get("status").asText()).isEqualTo("expired");
    }

    /** {@code POST /rules/evaluate} with the delivery's one event. */
    static Reply dryRun(ServiceProcess service, Events.Delivery d) {
        try {
            return adminJson(service, "POST", "/rules/evaluate", JSON.writeValueAsString(JSON.readTree(d.body()).get(0)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    @Order(4)
    void aSilenceOfTheRulesFileSilencesAndCannotBeDeletedThroughTheApi() {
        Events.Delivery d = failedRun("file-silenced");
        Reply r = Http.deliver(a, d);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(smtp.countByRecipient(d.id())).isEmpty();
        assertThat(history(b, d.id()).get("silencedBy")).containsExactly(JSON.getNodeFactory().textNode("file-maintenance"));
        Reply delete = Http.admin(a, "DELETE", "/silences/file-maintenance");
        assertThat(delete.status()).isEqualTo(409);
        assertThat(delete.json().get("type").asText()).isEqualTo("urn:aml-event-router:problem:declared-in-rules-file");
    }

    @Test
    @Order(5)
    void badSilencesAreRefusedFieldByFieldAndUnknownIdsAre404() {
        Reply bad = adminJson(a, "POST", "/silences", """
                {"filter": {"advancedFilters": [{"operatorType": "StringLike", "key": "data.runStatus", "values": ["x"]}]},
                 "startsAt": "tomorrow", "endsAt": "2020-01-01T00:00:00Z", "createdBy": "GuardsIT", "why": "?"}""");
        assertThat(bad.status()).as(bad.body()).isEqualTo(400);
        assertThat(bad.contentType()).startsWith("application/problem+json");
        assertThat(bad.json().get("type").asText()).isEqualTo("urn:aml-event-router:problem:invalid-silence");
        assertThat(bad.json().get("errors").findValuesAsText("field"))
                .containsExactly("why", "startsAt", "filter.advancedFilters[0].operatorType", "comment");
        Reply notJson = adminJson(a, "POST", "/silences", "{");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(Http.admin(a, "DELETE", "/silences/" + UUID.randomUUID()).status()).isEqualTo(404);
        assertThat(Http.admin(a, "GET", "/silences/" + UUID.randomUUID()).status()).isEqualTo(404);
        HttpRequest anonymous = HttpRequest.newBuilder(URI.create(a.url() + "/silences")).GET().build();
        try {
            assertThat(CLIENT.send(anonymous, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    @Order(6)
    void anExpiredSilenceNoLongerSilencesAndSilencesSurviveARestartWithRedis() throws Exception {
        String kept = "exp-" + UUID.randomUUID();
        String expired = "exp-" + UUID.randomUUID();
        String keptId = create(b, kept, Instant.now().plusSeconds(3600));
        String expiredId = create(b, expired, Instant.now().plusSeconds(3600));
        Reply deleted = Http.admin(a, "DELETE", "/silences/" + expiredId);
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
        assertThat(deleted.json().get("status").asText()).isEqualTo("expired");

        a.terminate();
        b.terminate();
        a.awaitExit(Duration.ofSeconds(30));
        b.awaitExit(Duration.ofSeconds(30));
        a = replica("guard-a2");
        JsonNode listed = Http.admin(a, "GET", "/silences").json();
        assertThat(listed.get("silences").findValuesAsText("id")).contains(keptId).doesNotContain(expiredId);

        Events.Delivery silenced = failedRun(kept);
        Reply r = Http.deliver(a, silenced);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(smtp.countByRecipient(silenced.id())).isEmpty();
        assertThat(history(a, silenced.id()).get("silencedBy")).containsExactly(JSON.getNodeFactory().textNode(keptId));
        Events.Delivery mailed = failedRun(expired);
        assertThat(Http.deliver(a, mailed).status()).isEqualTo(200);
        assertThat(smtp.countByRecipient(mailed.id())).isEqualTo(Map.of(TEAM, 1L));
        b = null;
    }

    static String create(ServiceProcess service, String experiment, Instant endsAt) {
        Reply created = adminJson(service, "POST", "/silences", """
                {"filter": {"subjectBeginsWith": "experiments/%s/"}, "endsAt": "%s", "comment": "c", "createdBy": "it"}
                """.formatted(experiment, endsAt));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("id").asText();
    }
}
