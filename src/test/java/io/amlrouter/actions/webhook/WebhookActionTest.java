package io.amlrouter.actions.webhook;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.amlrouter.support.ActionTestSupport.awaitState;
import static io.restassured.RestAssured.given;
import static io.amlrouter.support.ActionTestSupport.deliver;
import static io.amlrouter.support.ActionTestSupport.key;
import static io.amlrouter.support.ActionTestSupport.record;
import static io.amlrouter.support.ActionTestSupport.runCompleted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.is;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;

import io.amlrouter.ledger.ActionKey;
import io.amlrouter.ledger.ActionRecord;
import io.amlrouter.ledger.ActionState;
import io.amlrouter.ledger.OutcomeLedger;
import io.amlrouter.actions.http.Outbound;
import io.amlrouter.routing.ActionHandOff;
import io.amlrouter.support.LogCapture;
import io.amlrouter.support.WireMockResource;
import io.amlrouter.support.WireMockStubs;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import jakarta.inject.Inject;

/**
 * The webhook action over HTTPS, and how its outcome reaches Event Grid: 200 when done, 503 with
 * Retry-After when the receiver fails past the retry budget or answers after the deadline, and a
 * redelivery that completes the work without posting twice.
 */
@QuarkusTest
class WebhookActionTest {

    @Inject
    OutcomeLedger ledger;

    final WireMockServer wm = WireMockResource.server();
    final WireMockStubs stubs = new WireMockStubs(wm);

    @AfterEach
    void removeStubs() {
        stubs.removeAll();
    }

    long answered(String path, String run, int status) {
        return wm.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().equals(path) && e.getRequest().getBodyAsString().contains(run))
                .filter(e -> e.getResponse().getStatus() == status).count();
    }

    @Test
    void postsTheBodyWithStaticAndSecretHeaders() {
        ObjectNode event = runCompleted("webhook");
        String run = event.at("/data/runId").asText();
        stubs.add(post(urlPathEqualTo("/hooks/teams")).withRequestBody(containing(run)).willReturn(ok()));
        try (LogCapture log = LogCapture.of(ActionHandOff.class)) {
            deliver(event).statusCode(200).body("events[0].state", is("done"));

            // Written after the HTTP reply, on whichever thread took it: the action's own context gives the
            // line its event's and action's fields (no log context is opened around it).
            List<LogCapture.Line> succeeded = log.mentioning("Event " + event.get("id").asText() + " rule test-webhook ");
            assertThat(succeeded).singleElement().satisfies(line -> assertThat(line.mdc())
                    .containsEntry("eventId", event.get("id").asText())
                    .containsEntry("eventType", event.get("type").asText())
                    .containsEntry("rule", "test-webhook").containsEntry("action", "0")
                    .containsEntry("actionKind", "webhook"));
        }

        wm.verify(1, postRequestedFor(urlPathEqualTo("/hooks/teams"))
                .withHeader("Authorization", equalTo("Bearer test-hook-secret"))
                .withHeader("X-Source", equalTo("aml-event-router"))
                .withHeader("Content-Type", containing("application/json"))
                .withRequestBody(equalToJson("{\"title\":\"Run " + run + " completed\",\"experiment\":"
                        + "\"fraud-weekly-retrain\",\"rule\":\"test-webhook\"}")));
        ActionRecord done = record(ledger, key(event, "test-webhook", 0)).orElseThrow();
        assertThat(done.state()).isEqualTo(ActionState.SUCCEEDED);
        assertThat(done.kind()).isEqualTo("webhook");
        assertThat(done.externalId()).isEqualTo("HTTP 200");
    }

    @Test
    void secretValuesAreShownNeitherByGetRulesNorByTheDryRun() {
        String rules = given().header("Authorization", "Bearer test-admin-key").get("/rules")
                .then().statusCode(200).extract().asString();
        assertThat(rules).contains("\"secretHeaders\":{\"Authorization\":\"test-hook-token\"}")
                .doesNotContain("test-hook-secret");
        String dryRun = given().header("Authorization", "Bearer test-admin-key")
                .contentType("application/cloudevents+json; charset=utf-8").body(runCompleted("webhook").toString())
                .post("/rules/evaluate").then().statusCode(200).extract().asString();
        assertThat(dryRun).contains("\"secretHeaders\":{\"Authorization\":\"test-hook-token\"}")
                .contains("\"headers\":{\"X-Source\":\"aml-event-router\"}")
                .doesNotContain("test-hook-secret");
    }

    @Test
    void aReceiverFailingLongerThanTheRetryBudgetIsA503AndTheRedeliveryPostsOnce() {
        ObjectNode event = runCompleted("webhook-flaky");
        String run = event.at("/data/runId").asText();
        StubMapping down = stubs.add(post(urlPathEqualTo("/hooks/flaky")).withRequestBody(containing(run))
                .willReturn(aResponse().withStatus(500).withBody("receiver down")));

        deliver(event).statusCode(503).header("Retry-After", "30")
                .body("events[0].state", is("failed"))
                .body("events[0].detail", org.hamcrest.Matchers.containsString("HTTP 500"));
        long failedAttempts = answered("/hooks/flaky", run, 500);
        assertThat(failedAttempts).as("attempts within the 2s budget").isBetween(2L, 6L);
        ActionKey key = key(event, "test-webhook-flaky", 0);
        ActionRecord pending = record(ledger, key).orElseThrow();
        assertThat(pending.state()).isEqualTo(ActionState.PENDING);
        assertThat(pending.lastError()).startsWith("webhook https://localhost:" + wm.httpsPort() + ": HTTP 500");
        // The history's attempts count runs of the action; the calls of this one run are named as calls.
        assertThat(pending.attempts()).isEqualTo(1);
        assertThat(pending.lastError()).endsWith("(" + failedAttempts + " HTTP call(s) in this run)");

        wm.removeStub(down);
        stubs.add(post(urlPathEqualTo("/hooks/flaky")).withRequestBody(containing(run)).willReturn(ok()));
        deliver(event).statusCode(200).body("events[0].state", is("done"));
        deliver(event).statusCode(200).body("events[0].state", is("done"));
        assertThat(answered("/hooks/flaky", run, 200)).isEqualTo(1);
        assertThat(answered("/hooks/flaky", run, 500)).isEqualTo(failedAttempts);
        assertThat(record(ledger, key).orElseThrow().state()).isEqualTo(ActionState.SUCCEEDED);
        // Every call of the action, retried or redelivered, names it with the same idempotency key.
        assertThat(wm.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().equals("/hooks/flaky") && e.getRequest().getBodyAsString().contains(run))
                .map(e -> e.getRequest().getHeader("Idempotency-Key")).distinct().toList())
                .containsExactly(key.id());
    }

    @Test
    void aReceiverSlowerThanTheDeadlineIsA503AtTheDeadlineAndTheRedeliveryDoesNotPostAgain() {
        ObjectNode event = runCompleted("webhook-slow");
        String run = event.at("/data/runId").asText();
        stubs.add(post(urlPathEqualTo("/hooks/slow")).withRequestBody(containing(run))
                .willReturn(ok().withFixedDelay(10_000)));

        long start = System.nanoTime();
        deliver(event).statusCode(503).header("Retry-After", "30").body("events[0].state", is("pending"));
        Duration answeredAfter = Duration.ofNanos(System.nanoTime() - start);
        assertThat(answeredAfter).as("answered at ingest.deadline (8s in tests)").isBetween(Duration.ofMillis(7900),
                Duration.ofMillis(9900));

        ActionKey key = key(event, "test-webhook-slow", 0);
        awaitState(ledger, key, ActionState.SUCCEEDED, Duration.ofSeconds(12));
        deliver(event).statusCode(200).body("events[0].state", is("done"));
        wm.verify(1, postRequestedFor(urlPathEqualTo("/hooks/slow")).withRequestBody(containing(run)));
    }

    @Test
    void theCircuitBreakerOpensForAReceiverThatKeepsFailing() {
        stubs.add(post(urlPathEqualTo("/hooks/breaker")).willReturn(aResponse().withStatus(503).withHeader("Retry-After", "60")));
        ObjectNode last = null;
        List<String> ids = new ArrayList<>();
        try (LogCapture log = LogCapture.of(Outbound.class)) {
            for (int i = 0; i < 21; i++) {
                last = runCompleted("webhook-breaker");
                ids.add(last.get("id").asText());
                deliver(last).statusCode(503);
            }
            // SmallRye Fault Tolerance writes this from inside the call (the reply's continuation), where no code
            // of ours opens a log context: the action's own Vert.x context carries the fields there.
            assertThat(log.mentioning("Circuit breaker for webhook https://localhost:" + wm.httpsPort() + " is now OPEN"))
                    .singleElement().satisfies(line -> {
                        assertThat(line.mdc().get("eventId")).isIn(ids);
                        assertThat(line.mdc()).containsEntry("rule", "test-webhook-breaker")
                                .containsEntry("action", "0").containsEntry("actionKind", "webhook");
                    });
        }
        long reached = wm.getAllServeEvents().stream().filter(e -> e.getRequest().getUrl().equals("/hooks/breaker"))
                .count();
        assertThat(reached).as("one attempt per delivery (Retry-After 60s exceeds the budget) until the breaker opens")
                .isEqualTo(20);
        ActionRecord refused = record(ledger, key(last, "test-webhook-breaker", 0)).orElseThrow();
        assertThat(refused.state()).isEqualTo(ActionState.PENDING);
        assertThat(refused.lastError()).isEqualTo("webhook https://localhost:" + wm.httpsPort()
                + ": circuit breaker for webhook https://localhost:" + wm.httpsPort()
                + " is open after repeated failures");
        // The breaker is named after its target, so tests (support.ClosedCircuitBreakers) and operators can reset it.
        assertThat(CircuitBreakerMaintenance.get().currentState("webhook https://localhost:" + wm.httpsPort()))
                .isEqualTo(CircuitBreakerState.OPEN);
    }
}
