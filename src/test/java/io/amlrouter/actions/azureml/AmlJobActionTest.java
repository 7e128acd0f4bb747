package io.amlrouter.actions.azureml;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.amlrouter.support.ActionTestSupport.WORKSPACE;
import static io.amlrouter.support.ActionTestSupport.awaitState;
import static io.amlrouter.support.ActionTestSupport.deliver;
import static io.amlrouter.support.ActionTestSupport.key;
import static io.amlrouter.support.ActionTestSupport.record;
import static io.amlrouter.support.ActionTestSupport.runCompleted;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.is;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;

import io.amlrouter.ledger.ActionKey;
import io.amlrouter.ledger.ActionRecord;
import io.amlrouter.ledger.ActionState;
import io.amlrouter.ledger.OutcomeLedger;
import io.amlrouter.rules.action.ArmNames;
import io.amlrouter.support.WireMockResource;
import io.amlrouter.support.WireMockStubs;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/**
 * amlJob through the webhook against WireMock standing in for Entra ID and ARM (HTTPS): the exact
 * request, the token, retries on 429 and 500, a dead letter on 400, an existing job, and a redelivery.
 */
@QuarkusTest
class AmlJobActionTest {

    static final String RULE = "test-retrain-job";
    static final String BEARER = "Bearer " + WireMockResource.ARM_TOKEN;

    @Inject
    OutcomeLedger ledger;

    final WireMockServer wm = WireMockResource.server();
    final WireMockStubs stubs = new WireMockStubs(wm);

    @AfterEach
    void removeStubs() {
        stubs.removeAll();
    }

    static String jobPath(ObjectNode event) {
        return WORKSPACE + "/jobs/" + ArmNames.jobName(event.get("id").asText(), RULE, 0);
    }

    static String created(String name) {
        return "{\"id\":\"" + WORKSPACE + "/jobs/" + name + "\",\"name\":\"" + name
                + "\",\"properties\":{\"jobType\":\"Command\",\"status\":\"NotStarted\"}}";
    }

    @Test
    void submitsTheJobWithTheExactRequestAndReusesOneToken() {
        ObjectNode first = runCompleted("aml-job");
        ObjectNode second = runCompleted("aml-job");
        for (ObjectNode e : List.of(first, second)) {
            stubs.add(put(urlPathEqualTo(jobPath(e))).willReturn(aResponse().withStatus(201)
                    .withHeader("Content-Type", "application/json").withBody(created("x"))));
        }
        int tokensBefore = wm.findAll(postRequestedFor(urlPathEqualTo(WireMockResource.tokenPath()))).size();

        deliver(first).statusCode(200).body("events[0].state", is("done"));
        deliver(second).statusCode(200).body("events[0].state", is("done"));

        String run = first.at("/data/runId").asText();
        wm.verify(1, putRequestedFor(urlPathEqualTo(jobPath(first)))
                .withQueryParam("api-version", equalTo("2025-09-01"))
                .withHeader("Authorization", equalTo(BEARER))
                .withHeader("Content-Type", com.github.tomakehurst.wiremock.client.WireMock.containing("application/json"))
                .withRequestBody(equalToJson("""
                        {"properties": {
                          "jobType": "Command",
                          "experimentName": "fraud-retrain",
                          "displayName": "retrain after %s",
                          "command": "python train.py --after-run %s",
                          "environmentId": "azureml:fraud-train-env:3",
                          "computeId": "%s/computes/cpu-cluster",
                          "tags": {"trigger": "test-retrain-job"}}}
                        """.formatted(run, run, WORKSPACE))));
        wm.verify(1, putRequestedFor(urlPathEqualTo(jobPath(second))).withHeader("Authorization", equalTo(BEARER)));
        int tokensAfter = wm.findAll(postRequestedFor(urlPathEqualTo(WireMockResource.tokenPath()))).size();
        assertThat(tokensAfter - tokensBefore).as("token requests for two jobs").isLessThanOrEqualTo(1);
        assertThat(tokensAfter).as("token requests since the start").isLessThanOrEqualTo(1);

        ActionRecord done = record(ledger, key(first, RULE, 0)).orElseThrow();
        assertThat(done.state()).isEqualTo(ActionState.SUCCEEDED);
        assertThat(done.kind()).isEqualTo("amlJob");
        assertThat(done.externalId()).isEqualTo(ArmNames.jobName(first.get("id").asText(), RULE, 0));
    }

    @Test
    void theDryRunShowsTheDerivedJobNameAndBodyWithoutSubmitting() {
        ObjectNode event = runCompleted("aml-job");
        given().header("Authorization", "Bearer test-admin-key")
                .contentType("application/cloudevents+json; charset=utf-8").body(event.toString())
                .post("/rules/evaluate").then().statusCode(200)
                .body("rules.find { it.rule == 'test-retrain-job' }.actions[0].kind", is("amlJob"))
                .body("rules.find { it.rule == 'test-retrain-job' }.actions[0].rendered.workspace", is(WORKSPACE))
                .body("rules.find { it.rule == 'test-retrain-job' }.actions[0].rendered.jobName",
                        is(ArmNames.jobName(event.get("id").asText(), RULE, 0)))
                .body("rules.find { it.rule == 'test-retrain-job' }.actions[0].rendered.body.properties.displayName",
                        is("retrain after " + event.at("/data/runId").asText()));
        wm.verify(0, putRequestedFor(urlPathEqualTo(jobPath(event))));
    }

    @Test
    void aRedeliveryDoesNotPutTheJobAgain() {
        ObjectNode event = runCompleted("aml-job");
        stubs.add(put(urlPathEqualTo(jobPath(event))).willReturn(okJson(created("x"))));
        deliver(event).statusCode(200);
        deliver(event).statusCode(200).body("events[0].state", is("done"));
        wm.verify(1, putRequestedFor(urlPathEqualTo(jobPath(event))));
    }

    @Test
    void waitsAsToldBy429RetryAfterThenSucceeds() {
        ObjectNode event = runCompleted("aml-job");
        stubs.add(put(urlPathEqualTo(jobPath(event))).inScenario("throttled").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":{\"code\":\"TooManyRequests\",\"message\":\"Slow down\"}}"))
                .willSetStateTo("open"));
        stubs.add(put(urlPathEqualTo(jobPath(event))).inScenario("throttled").whenScenarioStateIs("open")
                .willReturn(okJson(created("x"))));
        long start = System.nanoTime();
        deliver(event).statusCode(200).body("events[0].state", is("done"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        wm.verify(2, putRequestedFor(urlPathEqualTo(jobPath(event))));
        assertThat(record(ledger, key(event, RULE, 0)).orElseThrow().state()).isEqualTo(ActionState.SUCCEEDED);
    }

    @Test
    void retriesA500ThenSucceeds() {
        ObjectNode event = runCompleted("aml-job");
        stubs.add(put(urlPathEqualTo(jobPath(event))).inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(500).withBody("{\"error\":{\"code\":\"InternalServerError\","
                        + "\"message\":\"try again\"}}"))
                .willSetStateTo("healthy"));
        stubs.add(put(urlPathEqualTo(jobPath(event))).inScenario("flaky").whenScenarioStateIs("healthy")
                .willReturn(okJson(created("x"))));
        deliver(event).statusCode(200).body("events[0].state", is("done"));
        wm.verify(2, putRequestedFor(urlPathEqualTo(jobPath(event))));
    }

    @Test
    void a400IsADeadLetterWithArmsCodeAndMessage() {
        ObjectNode event = runCompleted("aml-job");
        stubs.add(put(urlPathEqualTo(jobPath(event))).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"code\":\"UserError\",\"message\":\"Compute cpu-cluster not found in workspace"
                        + " mlw-fraud-weu.\",\"details\":[]}}")));
        deliver(event).statusCode(200).body("events[0].state", is("done"));
        wm.verify(1, putRequestedFor(urlPathEqualTo(jobPath(event))));
        ActionRecord failed = record(ledger, key(event, RULE, 0)).orElseThrow();
        assertThat(failed.state()).isEqualTo(ActionState.FAILED);
        assertThat(failed.lastError()).isEqualTo("job " + ArmNames.jobName(event.get("id").asText(), RULE, 0)
                + ": ARM answered 400 UserError: Compute cpu-cluster not found in workspace mlw-fraud-weu.");
    }

    @Test
    void aJobThatAlreadyExistsUnderTheDerivedNameCountsAsDone() {
        ObjectNode event = runCompleted("aml-job");
        String name = ArmNames.jobName(event.get("id").asText(), RULE, 0);
        stubs.add(put(urlPathEqualTo(jobPath(event))).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"code\":\"UserError\",\"message\":\"A job with this name already exists. If you"
                        + " are trying to create a new job, use a different name.\",\"innerError\":{\"code\":\"Immutable\","
                        + "\"innerError\":{\"code\":\"JobPropertyImmutable\"}}}}")));
        stubs.add(get(urlPathEqualTo(jobPath(event))).willReturn(okJson(created(name)
                .replace("NotStarted", "Running"))));
        deliver(event).statusCode(200).body("events[0].state", is("done"));
        wm.verify(1, putRequestedFor(urlPathEqualTo(jobPath(event))));
        wm.verify(1, getRequestedFor(urlPathEqualTo(jobPath(event))).withQueryParam("api-version",
                equalTo("2025-09-01")).withHeader("Authorization", equalTo(BEARER)));
        ActionRecord done = record(ledger, key(event, RULE, 0)).orElseThrow();
        assertThat(done.state()).isEqualTo(ActionState.SUCCEEDED);
        assertThat(done.externalId()).isEqualTo(name);
        assertThat(done.detail()).isEqualTo("job already existed (submitted by an earlier delivery, status Running)");
    }

    @Test
    void aTargetThatStaysDownIsA503WithRetryAfterAndTheRedeliveryFinishesIt() {
        ObjectNode event = runCompleted("aml-job");
        StubMapping down = stubs.add(put(urlPathEqualTo(jobPath(event))).willReturn(aResponse().withStatus(503)));
        deliver(event).statusCode(503).header("Retry-After", "30").body("events[0].state", is("failed"));
        ActionKey key = key(event, RULE, 0);
        assertThat(record(ledger, key).orElseThrow().state()).isEqualTo(ActionState.PENDING);
        wm.removeStub(down);
        stubs.add(put(urlPathEqualTo(jobPath(event))).willReturn(okJson(created("x"))));
        deliver(event).statusCode(200);
        awaitState(ledger, key, ActionState.SUCCEEDED, Duration.ofSeconds(5));
    }
}
