package io.amlrouter.routing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.amlrouter.ledger.OutcomeLedger;
import io.amlrouter.support.Events;
import io.amlrouter.support.TestData;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;

/** GET /rules and the dry run, through HTTP, behind the admin credential. */
@QuarkusTest
class RulesResourceTest {

    @Inject
    OutcomeLedger ledger;

    static RequestSpecification admin() {
        return given().header("Authorization", "Bearer test-admin-key");
    }

    @Test
    void adminEndpointsNeedTheAdminCredentialNeverAnIngestKey() {
        given().get("/rules").then().statusCode(401).contentType("application/problem+json");
        given().header("Authorization", "Bearer test-key-1").get("/rules").then().statusCode(401);
        given().queryParam("key", "test-key-1").get("/rules").then().statusCode(401);
        given().header("Authorization", "Bearer test-admin-key").contentType("application/json").body("[]")
                .post("/events").then().statusCode(401);
    }

    @Test
    void showsTheLoadedRules() {
        admin().get("/rules").then().statusCode(200)
                .body("version", startsWith("sha256:"))
                // WireMockResource serves a copy of testdata/service-rules.yaml with its stand-in hosts resolved.
                .body("source", org.hamcrest.Matchers.endsWith("/service-rules.yaml"))
                .body("rules.name", hasItems("mail-failed-runs", "mail-drift"))
                .body("rules.find { it.name == 'mail-failed-runs' }.filter.advancedFilters[0].operatorType",
                        equalTo("StringIn"))
                .body("rules.find { it.name == 'mail-failed-runs' }.actions[0].email.template", equalTo("run-status"))
                .body("workspaces[0]", equalTo("/subscriptions/5d2c8e71-94ab-4f3e-b0c6-1a7e3f9d2b48/resourceGroups/"
                        + "rg-mlops-prod/providers/Microsoft.MachineLearningServices/workspaces/mlw-fraud-weu"))
                .body("lastReloadError", nullValue());
    }

    @Test
    void dryRunExplainsANonMatchWithKeyOperatorExpectedAndActual() {
        admin().contentType("application/json; charset=utf-8")
                .body(TestData.bytes("events/eventgrid/ModelRegistered.json"))
                .post("/rules/evaluate").then().statusCode(200)
                .body("event.type", equalTo("Microsoft.MachineLearningServices.ModelRegistered"))
                .body("workspaceAllowed", equalTo(true))
                .body("rules.find { it.rule == 'announce-approved-models' }.matched", equalTo(false))
                .body("rules.find { it.rule == 'announce-approved-models' }.mismatch.key", equalTo("data.modelTags.stage"))
                .body("rules.find { it.rule == 'announce-approved-models' }.mismatch.operatorType", equalTo("StringIn"))
                .body("rules.find { it.rule == 'announce-approved-models' }.mismatch.expected", contains("approved"))
                .body("rules.find { it.rule == 'announce-approved-models' }.mismatch.actual", equalTo("candidate"))
                .body("rules.find { it.rule == 'announce-approved-models' }.mismatch.reason",
                        equalTo("data.modelTags.stage is \"candidate\", which is not one of [approved] (StringIn compares case-insensitively)"))
                .body("rules.find { it.rule == 'mail-failed-runs' }.mismatch.filter", equalTo("includedEventTypes"));
    }

    @Test
    void dryRunRendersTheActionsOfAMatchWithoutSendingAnything() {
        Events.Delivery d = Events.cloudEvent("RunStatusChanged.json");
        admin().contentType("application/cloudevents+json; charset=utf-8").body(d.body())
                .post("/rules/evaluate").then().statusCode(200)
                .body("rules.find { it.rule == 'mail-failed-runs' }.matched", equalTo(true))
                .body("rules.find { it.rule == 'mail-failed-runs' }.actions[0].kind", equalTo("email"))
                .body("rules.find { it.rule == 'mail-failed-runs' }.actions[0].rendered.to", contains("mlops@contoso.com"))
                .body("rules.find { it.rule == 'mail-failed-runs' }.actions[0].rendered.cc", contains("mlops-oncall@contoso.com"))
                .body("rules.find { it.rule == 'mail-failed-runs' }.actions[0].rendered.subject",
                        equalTo("Run AutoML_3c8e1f47-5b2a-4d9c-8e6f-1a0b7c4d2e95_7 Failed in fraud-automl-sweep"));
        assertThat(ledger.event(d.id()).await().indefinitely()).as("the dry run records nothing").isEmpty();
    }

    @Test
    void dryRunSaysWhenTheWorkspaceIsNotAllowed() {
        admin().contentType("application/json; charset=utf-8").body(TestData.bytes("events/eventgrid/Unknown.json"))
                .post("/rules/evaluate").then().statusCode(200)
                .body("workspaceAllowed", equalTo(false))
                .body("note", startsWith("the event's workspace is not in the allow-list"));
    }

    @Test
    void dryRunRefusesBadInputWithAProblem() {
        admin().contentType("application/json; charset=utf-8").body("{\"id\":\"x\"}")
                .post("/rules/evaluate").then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("eventType"));
        admin().contentType("application/json; charset=utf-8").body(TestData.bytes("events/cloudevents/batch.json"))
                .post("/rules/evaluate").then().statusCode(400)
                .body("detail", startsWith("The dry run takes exactly one event"));
    }
}
