package io.amlrouter.actions.azureml;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.amlrouter.support.ActionTestSupport.WORKSPACE;
import static io.amlrouter.support.ActionTestSupport.awaitState;
import static io.amlrouter.support.ActionTestSupport.deliver;
import static io.amlrouter.support.ActionTestSupport.key;
import static io.amlrouter.support.ActionTestSupport.modelRegistered;
import static io.amlrouter.support.ActionTestSupport.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;

import io.amlrouter.ledger.ActionKey;
import io.amlrouter.ledger.ActionRecord;
import io.amlrouter.ledger.ActionState;
import io.amlrouter.ledger.EventHistory;
import io.amlrouter.ledger.OutcomeLedger;
import io.amlrouter.ledger.Watch;
import io.amlrouter.support.WireMockResource;
import io.amlrouter.support.WireMockStubs;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/**
 * amlOnlineDeployment: the PUT, the watch of its long-running operation (InProgress, then Succeeded or
 * Failed), the traffic shift, and the synthetic outcome event routed through the rules like any other.
 */
@QuarkusTest
class OnlineDeploymentActionTest {

    static final String RULE = "test-deploy";
    static final String OUTCOME_RULE = "test-deployment-outcome";
    static final String BEARER = "Bearer " + WireMockResource.ARM_TOKEN;
    static final String ENDPOINT = WORKSPACE + "/onlineEndpoints/fraud-scorer";
    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    OutcomeLedger ledger;

    @Inject
    DeploymentWatcher watcher;

    final WireMockServer wm = WireMockResource.server();
    final WireMockStubs stubs = new WireMockStubs(wm);

    @BeforeEach
    void endpoint() {
        stubs.add(get(urlPathEqualTo(ENDPOINT)).willReturn(okJson("""
                {"id": "%s", "name": "fraud-scorer", "type": "Microsoft.MachineLearningServices/workspaces/onlineEndpoints",
                 "location": "westeurope", "identity": {"type": "SystemAssigned"},
                 "properties": {"authMode": "Key", "provisioningState": "Succeeded",
                   "scoringUri": "https://fraud-scorer.westeurope.inference.ml.azure.com/score",
                   "traffic": {"fraud-gbm-v13": 90, "fraud-gbm-v12": 10}}}
                """.formatted(ENDPOINT))));
        stubs.add(put(urlPathEqualTo(ENDPOINT)).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody("{}")));
    }

    @AfterEach
    void removeStubs() {
        stubs.removeAll();
    }

    /** Stubs the PUT of fraud-gbm-v{version} and its operation: InProgress once, then {@code finalStatus}. */
    String deployment(String version, String finalStatus) {
        String op = "/subscriptions/5d2c8e71-94ab-4f3e-b0c6-1a7e3f9d2b48/providers/Microsoft.MachineLearningServices"
                + "/locations/westeurope/mfeOperationsStatus/od:" + UUID.randomUUID();
        String opUrl = WireMockResource.httpsUrl() + op + "?api-version=2025-09-01";
        stubs.add(put(urlPathEqualTo(ENDPOINT + "/deployments/fraud-gbm-v" + version)).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json")
                .withHeader("Azure-AsyncOperation", opUrl)
                .withHeader("x-ms-async-operation-timeout", "PT1H")
                .withBody("{\"name\":\"fraud-gbm-v" + version + "\",\"properties\":{\"provisioningState\":\"Creating\"}}")));
        String scenario = "deployment " + op;
        stubs.add(get(urlPathEqualTo(op)).inScenario(scenario).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson("{\"status\":\"InProgress\"}").withHeader("Retry-After", "1"))
                .willSetStateTo("done"));
        stubs.add(get(urlPathEqualTo(op)).inScenario(scenario).whenScenarioStateIs("done").willReturn(okJson(finalStatus)));
        return opUrl;
    }

    EventHistory outcome(ActionKey action) {
        String id = DeploymentOutcomeEvents.eventId(action);
        ActionKey mail = new ActionKey(id, OUTCOME_RULE, 0);
        awaitState(ledger, mail, ActionState.SUCCEEDED, Duration.ofSeconds(15));
        await().atMost(Duration.ofSeconds(5)).until(() -> ledger.openWatches().await().indefinitely().stream()
                .noneMatch(w -> w.key().equals(action)));
        return ledger.event(id).await().indefinitely().orElseThrow();
    }

    @Test
    void deploysWatchesUntilSucceededShiftsTrafficAndAnnouncesTheOutcome() throws Exception {
        ObjectNode event = modelRegistered("deploy", "101");
        String opUrl = deployment("101", "{\"status\":\"Succeeded\"}");
        deliver(event).statusCode(200).body("events[0].state", is("done"));

        wm.verify(1, putRequestedFor(urlPathEqualTo(ENDPOINT + "/deployments/fraud-gbm-v101"))
                .withQueryParam("api-version", equalTo("2025-09-01"))
                .withHeader("Authorization", equalTo(BEARER))
                .withRequestBody(equalToJson("""
                        {"location": "westeurope",
                         "sku": {"name": "Default", "capacity": 1},
                         "properties": {"endpointComputeType": "Managed", "scaleSettings": {"scaleType": "Default"},
                           "model": "%s/models/fraud-gbm/versions/101", "instanceType": "Standard_DS3_v2"}}
                        """.formatted(WORKSPACE))));
        ActionKey action = key(event, RULE, 0);
        ActionRecord accepted = record(ledger, action).orElseThrow();
        assertThat(accepted.state()).isEqualTo(ActionState.SUCCEEDED);
        assertThat(accepted.externalId()).isEqualTo(opUrl);

        EventHistory announced = outcome(action);
        assertThat(announced.event().type()).isEqualTo("AmlEventRouter.DeploymentSucceeded");
        assertThat(announced.event().matchedRules()).contains(OUTCOME_RULE);
        assertThat(announced.event().topic()).isEqualTo(WORKSPACE);
        JsonNode data = JSON.readTree(announced.event().raw()).get("data");
        assertThat(data).isEqualTo(JSON.readTree("""
                {"endpoint": "fraud-scorer", "deployment": "fraud-gbm-v101",
                 "model": "%s/models/fraud-gbm/versions/101", "status": "Succeeded", "operationUrl": "%s",
                 "workspace": "%s", "sourceEventId": "%s", "rule": "test-deploy", "chainDepth": 1}
                """.formatted(WORKSPACE, opUrl, WORKSPACE, event.get("id").asText())));

        String opPath = opUrl.substring(WireMockResource.httpsUrl().length(), opUrl.indexOf('?'));
        wm.verify(2, getRequestedFor(urlPathEqualTo(opPath)).withQueryParam("api-version", equalTo("2025-09-01"))
                .withHeader("Authorization", equalTo(BEARER)));
        List<Long> polls = wm.findAll(getRequestedFor(urlPathEqualTo(opPath))).stream()
                .map(r -> r.getLoggedDate().getTime()).sorted().toList();
        assertThat(polls.get(1) - polls.get(0)).as("the second poll waits for InProgress' Retry-After: 1")
                .isGreaterThanOrEqualTo(950);
        wm.verify(1, putRequestedFor(urlPathEqualTo(ENDPOINT)).withRequestBody(containing("fraud-gbm-v101"))
                .withQueryParam("api-version", equalTo("2025-09-01"))
                .withRequestBody(equalToJson("""
                        {"location": "westeurope", "identity": {"type": "SystemAssigned"},
                         "properties": {"authMode": "Key",
                           "traffic": {"fraud-gbm-v13": 0, "fraud-gbm-v12": 0, "fraud-gbm-v101": 100}}}
                        """)));
        assertThat(record(ledger, action).orElseThrow().detail()).isEqualTo("deployment Succeeded; "
                + "AmlEventRouter.DeploymentSucceeded " + announced.event().id() + " published");

        deliver(event).statusCode(200);
        wm.verify(1, putRequestedFor(urlPathEqualTo(ENDPOINT + "/deployments/fraud-gbm-v101")));
    }

    /**
     * Stubs the endpoint's traffic update as Azure answers it: the PUT is accepted (201, Azure-AsyncOperation)
     * and the operation stays InProgress until the test moves its scenario to "done"; after the PUT, reading
     * the endpoint shows the new traffic. Returns the operation's path and scenario.
     */
    String[] trafficOperation(String deployment, String finalStatus) {
        String op = "/subscriptions/5d2c8e71-94ab-4f3e-b0c6-1a7e3f9d2b48/providers/Microsoft.MachineLearningServices"
                + "/locations/westeurope/mfeOperationsStatus/oe:" + UUID.randomUUID();
        String scenario = "traffic " + op;
        stubs.add(put(urlPathEqualTo(ENDPOINT)).inScenario(scenario).whenScenarioStateIs(Scenario.STARTED)
                .withRequestBody(containing(deployment))
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                        .withHeader("Azure-AsyncOperation", WireMockResource.httpsUrl() + op + "?api-version=2025-09-01")
                        .withHeader("x-ms-async-operation-timeout", "PT1H")
                        .withBody("{\"name\":\"fraud-scorer\",\"properties\":{\"provisioningState\":\"Updating\"}}"))
                .willSetStateTo("updating"));
        stubs.add(get(urlPathEqualTo(op)).inScenario(scenario).whenScenarioStateIs("updating")
                .willReturn(okJson("{\"status\":\"InProgress\"}").withHeader("Retry-After", "1")));
        stubs.add(get(urlPathEqualTo(op)).inScenario(scenario).whenScenarioStateIs("done").willReturn(okJson(finalStatus)));
        stubs.add(get(urlPathEqualTo(ENDPOINT)).inScenario(scenario).whenScenarioStateIs("done").willReturn(okJson("""
                {"id": "%s", "name": "fraud-scorer", "location": "westeurope",
                 "properties": {"authMode": "Key", "provisioningState": "Succeeded",
                   "traffic": {"fraud-gbm-v13": 0, "fraud-gbm-v12": 0, "%s": 100}}}
                """.formatted(ENDPOINT, deployment))));
        return new String[] { op, scenario };
    }

    /**
     * Delivers as Event Grid does: a 503 (here: a busy machine slowing the first ARM call past its timeout) is
     * delivered again, for a while.
     */
    static void deliverUntilAnswered(ObjectNode event) {
        await().atMost(Duration.ofMinutes(3)).until(() -> deliver(event).extract().statusCode() != 503);
    }

    /** Waits until the traffic operation was polled twice (InProgress) and checks nothing was announced yet. */
    void awaitTrafficInProgress(ActionKey action, String op) {
        await().atMost(Duration.ofSeconds(15)).until(() -> wm.findAll(getRequestedFor(urlPathEqualTo(op))).size() >= 2);
        assertThat(ledger.event(DeploymentOutcomeEvents.eventId(action)).await().indefinitely())
                .as("no outcome is announced while the traffic update is in progress").isEmpty();
        assertThat(ledger.openWatches().await().indefinitely()).anyMatch(w -> w.key().equals(action));
    }

    @Test
    void theDeploymentIsAnnouncedSucceededOnlyOnceTheTrafficOperationSucceeded() throws Exception {
        ObjectNode event = modelRegistered("deploy", "104");
        deployment("104", "{\"status\":\"Succeeded\"}");
        String[] traffic = trafficOperation("fraud-gbm-v104", "{\"status\":\"Succeeded\"}");
        deliverUntilAnswered(event);
        ActionKey action = key(event, RULE, 0);

        awaitTrafficInProgress(action, traffic[0]);
        wm.setScenarioState(traffic[1], "done");

        EventHistory announced = outcome(action);
        assertThat(announced.event().type()).isEqualTo("AmlEventRouter.DeploymentSucceeded");
        assertThat(JSON.readTree(announced.event().raw()).at("/data/status").asText()).isEqualTo("Succeeded");
        wm.verify(1, putRequestedFor(urlPathEqualTo(ENDPOINT)).withRequestBody(equalToJson("""
                {"location": "westeurope", "identity": {"type": "SystemAssigned"},
                 "properties": {"authMode": "Key",
                   "traffic": {"fraud-gbm-v13": 0, "fraud-gbm-v12": 0, "fraud-gbm-v104": 100}}}
                """)));
        assertThat(wm.findAll(getRequestedFor(urlPathEqualTo(traffic[0]))).size()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void aFailedTrafficOperationIsAnnouncedAsTrafficUpdateFailed() throws Exception {
        ObjectNode event = modelRegistered("deploy", "105");
        deployment("105", "{\"status\":\"Succeeded\"}");
        String[] traffic = trafficOperation("fraud-gbm-v105", "{\"status\":\"Failed\",\"error\":{\"code\":"
                + "\"BadRequest\",\"message\":\"Traffic cannot be routed to a deployment that is not ready.\"}}");
        deliverUntilAnswered(event);
        ActionKey action = key(event, RULE, 0);

        awaitTrafficInProgress(action, traffic[0]);
        wm.setScenarioState(traffic[1], "done");

        EventHistory announced = outcome(action);
        assertThat(announced.event().type()).isEqualTo("AmlEventRouter.DeploymentFailed");
        JsonNode data = JSON.readTree(announced.event().raw()).get("data");
        assertThat(data.get("status").asText()).isEqualTo("TrafficUpdateFailed");
        assertThat(data.get("errorCode").asText()).isEqualTo("BadRequest");
        assertThat(data.get("errorMessage").asText()).contains("fraud-scorer", "ended Failed",
                "Traffic cannot be routed to a deployment that is not ready.");
    }

    @Test
    void aRenderedNameAzureRefusesIsExplainedByTheDryRunAndDeadLetteredWithoutARequest() {
        // The rule builds the name part from the model name with the name helpers, so a model name cannot break it;
        // the version is used as it comes, and one holding '_' renders a name Azure refuses.
        ObjectNode event = modelRegistered("deploy", "4_01");
        io.restassured.RestAssured.given().header("Authorization", "Bearer test-admin-key")
                .contentType("application/cloudevents+json; charset=utf-8").body(event.toString())
                .post("/rules/evaluate").then().statusCode(200)
                .body("rules.find { it.rule == 'test-deploy' }.matched", is(true))
                .body("rules.find { it.rule == 'test-deploy' }.actions[0].error", org.hamcrest.Matchers.allOf(
                        org.hamcrest.Matchers.containsString("deployment: \"fraud-gbm-v4_01\" is not a valid online "
                                + "deployment name: '_' is not a letter, digit or '-'"),
                        org.hamcrest.Matchers.containsString("Azure's rule: 3 to 32 characters")));

        deliverUntilAnswered(event);
        ActionRecord failed = awaitState(ledger, key(event, RULE, 0), ActionState.FAILED, Duration.ofSeconds(15));
        assertThat(failed.lastError()).contains("\"fraud-gbm-v4_01\" is not a valid online deployment name",
                "'_' is not a letter, digit or '-'");
        wm.verify(0, com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor(
                com.github.tomakehurst.wiremock.client.WireMock.urlMatching(".*v4_01.*")));
    }

    @Test
    void aFailedDeploymentIsAnnouncedWithAzuresErrorAndTakesNoTraffic() throws Exception {
        ObjectNode event = modelRegistered("deploy", "102");
        deployment("102", "{\"status\":\"Failed\",\"error\":{\"code\":\"ResourceNotReady\",\"message\":\"User "
                + "container has crashed or terminated.\"}}");
        deliver(event).statusCode(200).body("events[0].state", is("done"));

        EventHistory announced = outcome(key(event, RULE, 0));
        assertThat(announced.event().type()).isEqualTo("AmlEventRouter.DeploymentFailed");
        assertThat(announced.event().matchedRules()).contains(OUTCOME_RULE);
        JsonNode data = JSON.readTree(announced.event().raw()).get("data");
        assertThat(data.get("status").asText()).isEqualTo("Failed");
        assertThat(data.get("errorCode").asText()).isEqualTo("ResourceNotReady");
        assertThat(data.get("errorMessage").asText()).isEqualTo("User container has crashed or terminated.");
        assertThat(data.get("deployment").asText()).isEqualTo("fraud-gbm-v102");
        wm.verify(0, putRequestedFor(urlPathEqualTo(ENDPOINT)).withRequestBody(containing("fraud-gbm-v102")));
    }

    @Test
    void aRuleAnsweringFailedDeploymentsWithAnotherIsStoppedAtTheChainLimit() throws Exception {
        // test-loop-deploy deploys; every outcome is Failed; test-loop-retry deploys the same again on each
        // failure. actions.deployment.max-chain (3) lets three deployments run, then refuses the fourth.
        ObjectNode event = modelRegistered("loop", "301");
        deployment("301", "{\"status\":\"Failed\",\"error\":{\"code\":\"QuotaExceeded\",\"message\":\"No quota.\"}}");
        deliver(event).statusCode(200).body("events[0].state", is("done"));

        String first = DeploymentOutcomeEvents.eventId(key(event, "test-loop-deploy", 0));
        String second = DeploymentOutcomeEvents.eventId(new ActionKey(first, "test-loop-retry", 0));
        String third = DeploymentOutcomeEvents.eventId(new ActionKey(second, "test-loop-retry", 0));
        ActionRecord refused = awaitState(ledger, new ActionKey(third, "test-loop-retry", 0), ActionState.FAILED,
                Duration.ofSeconds(20));
        assertThat(refused.lastError()).contains("deployment fraud-scorer/fraud-gbm-v301 not started",
                "outcome of the 3rd deployment", "actions.deployment.max-chain is 3");

        List<String> chain = List.of(first, second, third);
        for (int i = 0; i < chain.size(); i++) {
            EventHistory outcome = ledger.event(chain.get(i)).await().indefinitely().orElseThrow();
            assertThat(outcome.event().type()).isEqualTo("AmlEventRouter.DeploymentFailed");
            assertThat(JSON.readTree(outcome.event().raw()).at("/data/chainDepth").asInt()).isEqualTo(i + 1);
        }
        wm.verify(3, putRequestedFor(urlPathEqualTo(ENDPOINT + "/deployments/fraud-gbm-v301")));
        await().atMost(Duration.ofSeconds(5)).until(() -> ledger.openWatches().await().indefinitely().stream()
                .noneMatch(w -> chain.contains(w.key().eventId()) || w.key().eventId().equals(event.get("id").asText())));
    }

    @Test
    void openWatchesFoundInTheLedgerAtStartupAreResumed() throws Exception {
        // As a persistent ledger would hand them to a restarted replica: one still running, one whose
        // outcome was known but not yet announced.
        String opUrl = deployment("103", "{\"status\":\"Succeeded\"}");
        ActionKey running = new ActionKey(UUID.randomUUID().toString(), RULE, 0);
        ActionKey decided = new ActionKey(UUID.randomUUID().toString(), RULE, 0);
        Map<String, String> attributes = new HashMap<>(Map.of("workspace", WORKSPACE,
                "endpoint", "fraud-scorer", "deployment", "fraud-gbm-v103", "model",
                WORKSPACE + "/models/fraud-gbm/versions/103", "rule", RULE, "poll", "operation"));
        Instant now = Instant.now();
        ledger.saveWatch(new Watch(running, "amlOnlineDeployment", opUrl,
                with(attributes, "sourceEventId", running.eventId()), now, now.plusSeconds(60))).await().indefinitely();
        Map<String, String> failed = with(with(with(with(attributes, "sourceEventId", decided.eventId()),
                "status", "Canceled"), "succeeded", "false"), "deployment", "fraud-gbm-v104");
        ledger.saveWatch(new Watch(decided, "amlOnlineDeployment", opUrl, failed, now,
                now.plusSeconds(60))).await().indefinitely();

        watcher.resume(null);

        EventHistory succeeded = outcome(running);
        assertThat(succeeded.event().type()).isEqualTo("AmlEventRouter.DeploymentSucceeded");
        EventHistory canceled = outcome(decided);
        assertThat(canceled.event().type()).isEqualTo("AmlEventRouter.DeploymentFailed");
        assertThat(JSON.readTree(canceled.event().raw()).at("/data/status").asText()).isEqualTo("Canceled");
        assertThat(ledger.openWatches().await().indefinitely()).isEmpty();
    }

    static Map<String, String> with(Map<String, String> map, String key, String value) {
        Map<String, String> copy = new HashMap<>(map);
        copy.put(key, value);
        return copy;
    }
}
