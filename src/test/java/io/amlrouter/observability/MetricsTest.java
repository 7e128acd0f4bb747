package io.amlrouter.observability;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;

import io.amlrouter.support.ActionTestSupport;
import io.amlrouter.support.EventFixtures;
import io.amlrouter.support.GreenMailResource;
import io.amlrouter.support.Metrics;
import io.amlrouter.support.TestData;
import io.amlrouter.support.TestTokens;
import io.amlrouter.support.WireMockResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

/**
 * The metrics of docs/observability.md move as events go through HTTP. Tests share one application, so
 * each compares a scrape before and after what it did.
 */
@QuarkusTest
class MetricsTest {

    static final String RUN_STATUS = "Microsoft.MachineLearningServices.RunStatusChanged";

    @AfterEach
    void normalPeers() {
        GreenMailResource.reset();
        WireMockResource.serveJwks();
    }

    static Metrics scrape() {
        return Metrics.parse(given().get("/q/metrics").then().statusCode(200).extract().asString());
    }

    static ValidatableResponse deliver(ObjectNode event) {
        return given().queryParam("key", "test-key-1").contentType(EventFixtures.contentType(event))
                .body(EventFixtures.delivery(event)).post("/events").then();
    }

    static double delta(Metrics before, Metrics after, String name, String... labels) {
        return after.value(name, labels) - before.value(name, labels);
    }

    @Test
    void aRoutedEventIsCountedByTypeSchemaRuleAndAction() {
        Metrics before = scrape();
        deliver(EventFixtures.fresh("eventgrid/RunStatusChanged.json")).statusCode(200);
        Metrics after = scrape();

        assertThat(delta(before, after, "events_received_total", "type", RUN_STATUS, "schema", "eventgrid"))
                .isEqualTo(1);
        assertThat(delta(before, after, "rules_matches_total", "rule", "mail-failed-runs")).isEqualTo(1);
        assertThat(delta(before, after, "actions_attempts_total", "kind", "email", "rule", "mail-failed-runs"))
                .isEqualTo(1);
        assertThat(delta(before, after, "actions_succeeded_total", "kind", "email", "rule", "mail-failed-runs"))
                .isEqualTo(1);
        assertThat(delta(before, after, "actions_duration_seconds_count", "kind", "email", "outcome", "succeeded"))
                .isEqualTo(1);
        assertThat(delta(before, after, "events_ingest_duration_seconds_count", "status", "200")).isEqualTo(1);
        // Fixed buckets for histogram_quantile, up to Event Grid's 30 s.
        assertThat(after.has("events_ingest_duration_seconds_bucket", "status", "200", "le", "30.0")).isTrue();
        assertThat(after.has("actions_duration_seconds_bucket", "kind", "email", "outcome", "succeeded", "le", "0.1"))
                .isTrue();
        assertThat(after.value("ledger_events")).isGreaterThanOrEqualTo(before.value("ledger_events") + 1);
    }

    @Test
    void theTypeLabelIsBoundedAndTheSchemaNamed() {
        ObjectNode unknown = EventFixtures.fresh("eventgrid/Unknown.json");
        unknown.put("eventType", "Contoso.Made.Up." + unknown.get("id").asText());
        Metrics before = scrape();
        deliver(unknown).statusCode(200);
        deliver(EventFixtures.fresh("cloudevents/ModelRegistered.json")).statusCode(200);
        Metrics after = scrape();

        assertThat(delta(before, after, "events_received_total", "type", "other", "schema", "eventgrid")).isEqualTo(1);
        assertThat(delta(before, after, "events_received_total", "type",
                "Microsoft.MachineLearningServices.ModelRegistered", "schema", "cloudevents")).isEqualTo(1);
        assertThat(after.series("events_received_total")).allSatisfy(s -> assertThat(s.labels().get("type"))
                .isIn(List.of("other", "Microsoft.MachineLearningServices.RunCompleted", RUN_STATUS,
                        "Microsoft.MachineLearningServices.ModelRegistered",
                        "Microsoft.MachineLearningServices.ModelDeployed",
                        "Microsoft.MachineLearningServices.DatasetDriftDetected", "AmlEventRouter.DeploymentSucceeded",
                        "AmlEventRouter.DeploymentFailed")));
        assertThat(delta(before, after, "events_unmatched_total", "reason", "no-rule-matched")).isEqualTo(1);
        assertThat(delta(before, after, "events_unmatched_total", "reason", "workspace-not-allowed")).isEqualTo(1);
    }

    @Test
    void anEventFromAWorkspaceNotAllowedIsCountedUnmatched() {
        ObjectNode event = EventFixtures.fresh("eventgrid/RunStatusChanged.json");
        event.put("topic", "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-other/providers/"
                + "Microsoft.MachineLearningServices/workspaces/mlw-other");
        Metrics before = scrape();
        deliver(event).statusCode(200);
        assertThat(delta(before, scrape(), "events_unmatched_total", "reason", "workspace-not-allowed")).isEqualTo(1);
    }

    @Test
    void redeliveriesAndDeliveriesJoiningWorkInFlightAreDuplicates() {
        ObjectNode event = EventFixtures.fresh("eventgrid/RunStatusChanged.json");
        Metrics before = scrape();
        deliver(event).statusCode(200);
        deliver(event).statusCode(200);
        Metrics middle = scrape();
        assertThat(delta(before, middle, "events_duplicates_total", "kind", "redelivered")).isEqualTo(1);
        assertThat(delta(before, middle, "actions_attempts_total", "rule", "mail-failed-runs")).isEqualTo(1);

        // A mail held 1.5 s by the SMTP server keeps the event in flight while the same id arrives again.
        GreenMailResource.stallDeliveries(Duration.ofMillis(1500));
        ObjectNode slow = EventFixtures.fresh("eventgrid/RunStatusChanged.json");
        CompletableFuture<Integer> first = CompletableFuture.supplyAsync(() -> deliver(slow).extract().statusCode());
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> delta(middle, scrape(), "actions_attempts_total", "rule", "mail-failed-runs") == 1);
        deliver(slow).statusCode(200);
        assertThat(first.join()).isEqualTo(200);
        assertThat(delta(middle, scrape(), "events_duplicates_total", "kind", "in-flight")).isEqualTo(1);
    }

    @Test
    void refusedDeliveriesAreCountedByReason() {
        Metrics before = scrape();
        given().queryParam("key", "wrong-key").contentType("application/json; charset=utf-8").body("[]")
                .post("/events").then().statusCode(401);
        given().queryParam("key", "test-key-1").contentType("application/json; charset=utf-8").body("{nope")
                .post("/events").then().statusCode(400);
        given().queryParam("key", "test-key-1").contentType("text/plain; charset=utf-8").body("[]")
                .post("/events").then().statusCode(400);
        given().queryParam("key", "test-key-1").contentType("application/json; charset=utf-8")
                .body(new byte[1024 * 1024 + 1]).post("/events").then().statusCode(413);
        given().header("WebHook-Request-Rate", "10").options("/events").then().statusCode(400);
        WireMockResource.failJwks();
        given().header("Authorization", "Bearer " + TestTokens.signWithKid(TestTokens.eventGridClaims(), "rotated"))
                .contentType("application/json; charset=utf-8").body("[]").post("/events").then().statusCode(503);
        WireMockResource.serveJwks();
        GreenMailResource.failDeliveries(true);
        deliver(EventFixtures.fresh("eventgrid/RunStatusChanged.json")).statusCode(503);
        Metrics after = scrape();

        for (String reason : List.of("unauthorized", "invalid-body", "unsupported-media-type", "body-too-large",
                "invalid-handshake", "auth-unavailable", "not-finished")) {
            assertThat(delta(before, after, "events_rejected_total", "reason", reason)).as(reason).isEqualTo(1);
        }
        assertThat(delta(before, after, "events_ingest_duration_seconds_count", "status", "401")).isEqualTo(1);
        assertThat(delta(before, after, "events_ingest_duration_seconds_count", "status", "413")).isEqualTo(1);
        assertThat(delta(before, after, "actions_failed_total", "kind", "email", "rule", "mail-failed-runs",
                "failure", "transient")).isEqualTo(1);
        assertThat(delta(before, after, "actions_duration_seconds_count", "kind", "email", "outcome",
                "failed-transiently")).isEqualTo(1);
    }

    @Test
    void handshakesAreCounted() {
        Metrics before = scrape();
        given().queryParam("key", "test-key-1").contentType("application/json; charset=utf-8")
                .header("aeg-event-type", "SubscriptionValidation").body(TestData.bytes("events/system/validation.json"))
                .post("/events").then().statusCode(200);
        given().header("WebHook-Request-Origin", "eventgrid.azure.net").options("/events").then().statusCode(200);
        Metrics after = scrape();
        assertThat(delta(before, after, "events_handshakes_total", "kind", "subscription-validation")).isEqualTo(1);
        assertThat(delta(before, after, "events_handshakes_total", "kind", "abuse-protection")).isEqualTo(1);
    }

    @Test
    void aPermanentFailureIsCountedAsFailedAndDeadLettered() {
        GreenMailResource.rejectRecipient("gone.for.metrics@contoso.com");
        ObjectNode event = EventFixtures.fresh("eventgrid/RunStatusChanged.json");
        EventFixtures.data(event).putObject("runTags").put("owner", "gone.for.metrics@contoso.com");
        Metrics before = scrape();
        deliver(event).statusCode(200);
        Metrics after = scrape();
        assertThat(delta(before, after, "actions_failed_total", "kind", "email", "rule", "mail-failed-runs", "failure",
                "permanent")).isEqualTo(1);
        assertThat(delta(before, after, "actions_dead_letters_total", "kind", "email", "rule", "mail-failed-runs"))
                .isEqualTo(1);
    }

    @Test
    void outboundRetriesAreCountedByKindAndRule() {
        ObjectNode event = ActionTestSupport.runCompleted("webhook-flaky");
        String run = event.at("/data/runId").asText();
        String scenario = "metrics-" + run;
        List<StubMapping> stubs = List.of(
                WireMockResource.server().stubFor(post(urlPathEqualTo("/hooks/flaky")).withRequestBody(containing(run))
                        .inScenario(scenario).whenScenarioStateIs(Scenario.STARTED)
                        .willReturn(aResponse().withStatus(503)).willSetStateTo("recovered")),
                WireMockResource.server().stubFor(post(urlPathEqualTo("/hooks/flaky")).withRequestBody(containing(run))
                        .inScenario(scenario).whenScenarioStateIs("recovered").willReturn(ok())));
        try {
            Metrics before = scrape();
            ActionTestSupport.deliver(event).statusCode(200).body("events[0].state", equalTo("done"));
            Metrics after = scrape();
            assertThat(delta(before, after, "actions_retries_total", "kind", "webhook", "rule", "test-webhook-flaky"))
                    .isEqualTo(1);
            assertThat(delta(before, after, "actions_succeeded_total", "kind", "webhook", "rule", "test-webhook-flaky"))
                    .isEqualTo(1);
        } finally {
            stubs.forEach(WireMockResource.server()::removeStub);
        }
    }

    @Test
    void theActiveRulesVersionIsExposed() {
        String version = given().header("Authorization", "Bearer test-admin-key").get("/rules").then().statusCode(200)
                .extract().path("version");
        Metrics metrics = scrape();
        assertThat(metrics.series("rules_info")).singleElement()
                .satisfies(s -> assertThat(version).startsWith(s.labels().get("version")));
        assertThat(metrics.value("rules_info")).isEqualTo(1);
    }

    @Test
    void noLabelCarriesAnEventId() {
        String id = EventFixtures.fresh("eventgrid/RunStatusChanged.json").get("id").asText();
        ObjectNode event = EventFixtures.fresh("eventgrid/RunStatusChanged.json");
        event.put("id", id);
        deliver(event).statusCode(200);
        assertThat(scrape().text()).doesNotContain(id);
    }
}
