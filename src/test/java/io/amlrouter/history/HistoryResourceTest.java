package io.amlrouter.history;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.amlrouter.ledger.ActionKey;
import io.amlrouter.ledger.EventRecord;
import io.amlrouter.ledger.OutcomeLedger;
import io.amlrouter.support.Events;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;

/**
 * The history API and replay through HTTP, on the shared test application (in-memory ledger, mails
 * written to the log): admin only, while {@code POST /events} keeps its ingest authentication.
 */
@QuarkusTest
class HistoryResourceTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    OutcomeLedger ledger;

    static RequestSpecification admin() {
        return given().header("Authorization", "Bearer test-admin-key");
    }

    static void deliver(Events.Delivery d) {
        given().queryParam("key", "test-key-1").contentType("application/json; charset=utf-8").body(d.body())
                .post("/events").then().statusCode(200).body("events[0].state", equalTo("done"));
    }

    @Test
    void theHistoryIsForAdminsOnlyAndIngestKeepsItsOwnCredential() {
        Events.Delivery d = Events.eventGrid("RunStatusChanged.json");
        for (String path : List.of("/events/recent", "/events/" + d.id())) {
            given().get(path).then().statusCode(401).contentType("application/problem+json");
            given().header("Authorization", "Bearer test-key-1").get(path).then().statusCode(401);
            given().queryParam("key", "test-key-1").get(path).then().statusCode(401);
        }
        given().queryParam("key", "test-key-1").post("/events/" + d.id() + "/replay").then().statusCode(401);
        // the admin credential does not open ingest, and ingest needs no admin credential
        admin().contentType("application/json; charset=utf-8").body(d.body()).post("/events").then().statusCode(401);
        deliver(d);
    }

    @Test
    void anEventShowsItsRawJsonRulesAndEveryActionsOutcome() throws Exception {
        Events.Delivery d = Events.eventGrid("RunStatusChanged.json");
        Instant before = Instant.now();
        deliver(d);
        deliver(d);
        ValidatableResponse r = admin().get("/events/" + d.id()).then().statusCode(200)
                .contentType("application/json")
                .body("id", equalTo(d.id()))
                .body("type", equalTo("Microsoft.MachineLearningServices.RunStatusChanged"))
                .body("subject", containsString("experiments/"))
                .body("topic", containsString("/workspaces/mlw-fraud-weu"))
                .body("deliveries", equalTo(2))
                .body("outcome", equalTo("routed"))
                .body("matchedRules", equalTo(List.of("mail-failed-runs")))
                .body("actions", hasSize(1))
                .body("actions[0].rule", equalTo("mail-failed-runs"))
                .body("actions[0].action", equalTo(0))
                .body("actions[0].kind", equalTo("email"))
                .body("actions[0].state", equalTo("SUCCEEDED"))
                .body("actions[0].attempts", equalTo(1))
                .body("actions[0].owner", nullValue())
                .body("event.id", equalTo(d.id()))
                .body("event.eventType", equalTo("Microsoft.MachineLearningServices.RunStatusChanged"))
                .body("event.data.runStatus", equalTo("Failed"));
        Instant first = Instant.parse(r.extract().path("firstReceivedAt"));
        Instant attempted = Instant.parse(r.extract().path("actions[0].firstAttemptAt"));
        assertThat(first).isBetween(before.minusSeconds(1), Instant.now());
        assertThat(attempted).isAfterOrEqualTo(first);
    }

    @Test
    void anUnknownEventIsAProblem404() {
        admin().get("/events/no-such-event").then().statusCode(404).contentType("application/problem+json")
                .body("type", equalTo("urn:aml-event-router:problem:unknown-event"))
                .body("detail", containsString("no-such-event"));
        admin().post("/events/no-such-event/replay").then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void recentListsTheNewestFirstWithoutRawEvents() {
        Events.Delivery a = Events.eventGrid("RunStatusChanged.json");
        Events.Delivery b = Events.eventGrid("ModelRegistered.json");
        Events.Delivery c = Events.eventGrid("Unknown.json");
        deliver(a);
        deliver(b);
        deliver(c);
        admin().queryParam("limit", 3).get("/events/recent").then().statusCode(200)
                .body("limit", equalTo(3))
                .body("events.id", equalTo(List.of(c.id(), b.id(), a.id())))
                .body("events.outcome", equalTo(List.of("workspace-not-allowed", "no-rule-matched", "routed")))
                .body("events[2].actions[0].state", equalTo("SUCCEEDED"))
                .body("events[0].event", nullValue());
        admin().get("/events/recent").then().statusCode(200).body("limit", equalTo(20))
                .body("events.size()", lessThanOrEqualTo(20));
    }

    @Test
    void aLimitOutsideItsBoundsIsAProblem400() {
        for (String limit : List.of("0", "201", "-3", "many")) {
            admin().queryParam("limit", limit).get("/events/recent").then().statusCode(400)
                    .contentType("application/problem+json")
                    .body("type", equalTo("urn:aml-event-router:problem:invalid-limit"))
                    .body("errors[0].field", equalTo("limit"));
        }
    }

    @Test
    void aReplayRerunsOnlyThePermanentlyFailedActionThroughTheNormalPath() throws Exception {
        // A recorded event whose one action was dead-lettered (as when SMTP refused the recipient).
        Events.Delivery d = Events.eventGrid("RunStatusChanged.json");
        String raw = JSON.readTree(d.body()).get(0).toString();
        Instant now = Instant.now();
        ledger.eventSeen(new EventRecord(d.id(), "Microsoft.MachineLearningServices.RunStatusChanged", "experiments/x",
                "topic", now, now, 1, List.of("mail-failed-runs"), "routed", raw)).await().indefinitely();
        ActionKey key = new ActionKey(d.id(), "mail-failed-runs", 0);
        ledger.claim(key, "email", Duration.ofMinutes(2)).await().indefinitely();
        ledger.failedPermanently(key, "SMTP refused the mail (550): unknown user").await().indefinitely();

        admin().post("/events/" + d.id() + "/replay").then().statusCode(200)
                .body("reopened", equalTo(1))
                .body("result", equalTo("done"))
                .body("event.id", equalTo(d.id()))
                .body("event.deliveries", equalTo(2))
                .body("event.actions[0].state", equalTo("SUCCEEDED"))
                .body("event.actions[0].attempts", equalTo(2))
                .body("event.actions[0].lastError", equalTo("SMTP refused the mail (550): unknown user"));

        // Nothing failed any more: a second replay runs nothing again.
        admin().post("/events/" + d.id() + "/replay").then().statusCode(200)
                .body("reopened", equalTo(0))
                .body("result", equalTo("done"))
                .body("event.actions[0].attempts", equalTo(2));
    }

    /**
     * Issue 13 section 5: a replayed action that fails again is answered {@code dead-letter} (not {@code done}),
     * the history counts the new run, and the metrics count the template failure as a permanent failure.
     */
    @Test
    void aReplayWhoseActionFailsAgainSaysSoInTheAnswerTheHistoryAndTheMetrics() throws Exception {
        Events.Delivery d = Events.eventGrid("RunStatusChanged.json");
        com.fasterxml.jackson.databind.node.ObjectNode event =
                (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(d.body()).get(0);
        ((com.fasterxml.jackson.databind.node.ObjectNode) event.get("data")).remove("runId"); // the subject needs it
        Instant now = Instant.now();
        ledger.eventSeen(new EventRecord(d.id(), "Microsoft.MachineLearningServices.RunStatusChanged", "experiments/x",
                "topic", now, now, 1, List.of("mail-failed-runs"), "routed", event.toString())).await().indefinitely();
        ActionKey key = new ActionKey(d.id(), "mail-failed-runs", 0);
        ledger.claim(key, "email", Duration.ofMinutes(2)).await().indefinitely();
        ledger.failedPermanently(key, "template: earlier").await().indefinitely();
        io.amlrouter.support.Metrics before = scrape();

        admin().post("/events/" + d.id() + "/replay").then().statusCode(200)
                .body("reopened", equalTo(1))
                .body("result", equalTo("dead-letter"))
                .body("detail", org.hamcrest.Matchers.startsWith(
                        "1 action(s) failed permanently again: mail-failed-runs/0 (email): template: {event.data.runId}"))
                .body("event.actions[0].state", equalTo("FAILED"))
                .body("event.actions[0].attempts", equalTo(2))
                .body("event.actions[0].lastError", org.hamcrest.Matchers.startsWith("template: {event.data.runId}"));

        io.amlrouter.support.Metrics after = scrape();
        String[] labels = { "kind", "email", "rule", "mail-failed-runs" };
        assertThat(after.value("actions_failed_total", "kind", "email", "rule", "mail-failed-runs", "failure", "permanent")
                - before.value("actions_failed_total", "kind", "email", "rule", "mail-failed-runs", "failure",
                        "permanent")).isEqualTo(1.0);
        assertThat(after.value("actions_attempts_total", labels) - before.value("actions_attempts_total", labels))
                .isEqualTo(1.0);
        assertThat(after.value("actions_dead_letters_total", labels) - before.value("actions_dead_letters_total", labels))
                .isEqualTo(1.0);
    }

    static io.amlrouter.support.Metrics scrape() {
        return io.amlrouter.support.Metrics.parse(given().get("/q/metrics").then().statusCode(200).extract().asString());
    }

    @Test
    void aRedeliveryAfterSuccessRunsNoActionAgain() {
        Events.Delivery d = Events.eventGrid("RunStatusChanged.json");
        for (int i = 0; i < 4; i++) {
            deliver(d);
        }
        admin().get("/events/" + d.id()).then().statusCode(200)
                .body("deliveries", equalTo(4))
                .body("actions", hasSize(1))
                .body("actions[0].state", equalTo("SUCCEEDED"))
                .body("actions[0].attempts", equalTo(1))
                .body("actions[0].updatedAt", notNullValue());
    }

    @Test
    void anEventWithoutRawJsonCannotBeReplayed() {
        String id = Events.eventGrid("RunStatusChanged.json").id();
        ActionKey key = new ActionKey(id, "mail-failed-runs", 0);
        ledger.claim(key, "email", Duration.ofMinutes(2)).await().indefinitely();
        ledger.failedPermanently(key, "refused").await().indefinitely();
        admin().post("/events/" + id + "/replay").then().statusCode(409).contentType("application/problem+json")
                .body("type", equalTo("urn:aml-event-router:problem:not-replayable"));
    }
}
