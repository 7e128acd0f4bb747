package io.amlrouter.history;

import static io.amlrouter.history.HistoryResourceTest.admin;
import static io.amlrouter.history.HistoryResourceTest.deliver;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.amlrouter.ledger.ActionKey;
import io.amlrouter.ledger.EventRecord;
import io.amlrouter.ledger.OutcomeLedger;
import io.amlrouter.support.EventFixtures;
import io.amlrouter.support.Events;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * {@code GET /events}, the search of the history, and the explanation each event keeps, through HTTP on the shared
 * test application (in-memory ledger, service-rules.yaml, GreenMail). Each test names its events by a run id or
 * subject of its own, so the events of other tests never match its searches.
 */
@QuarkusTest
class HistorySearchTest {

    @Inject
    OutcomeLedger ledger;

    /** A RunStatusChanged fixture with a run id (and subject) of its own. */
    static Events.Delivery run(String fixture, String runId) {
        ObjectNode event = EventFixtures.fresh("eventgrid/" + fixture);
        EventFixtures.data(event).put("runId", runId);
        event.put("subject", "experiments/7f3b2a90-c1d4-4e8f-a6b5-0d9e8c7f1a32/runs/" + runId);
        return Events.of(event);
    }

    static String unique() {
        return "run_" + UUID.randomUUID().toString().replace("-", "");
    }

    static JsonPath search(Map<String, ?> parameters) {
        return admin().queryParams(parameters).get("/events").then().statusCode(200).contentType("application/json")
                .extract().jsonPath();
    }

    @Test
    void anUnmatchedEventIsFoundByItsRunIdAndSaysWhyEachRuleDidNotMatchInTheDryRunsWords() {
        String runId = unique();
        Events.Delivery d = run("RunStatusChanged.running.json", runId);
        deliver(d);

        JsonPath page = search(Map.of("runId", runId));
        assertThat(page.getList("events.id")).containsExactly(d.id());
        assertThat(page.getString("events[0].outcome")).isEqualTo("no-rule-matched");
        assertThat(page.getString("events[0].runId")).isEqualTo(runId);
        String version = admin().get("/rules").then().statusCode(200).extract().path("version");
        assertThat(page.getString("events[0].rulesVersion")).isEqualTo(version).startsWith("sha256:");

        JsonPath detail = admin().get("/events/" + d.id()).then().statusCode(200).extract().jsonPath();
        List<Map<String, Object>> explanation = detail.getList("explanation");
        // Every rule of the file, in file order, as the dry run lists them.
        JsonPath dryRun = admin().contentType("application/json; charset=utf-8").body(d.body()).post("/rules/evaluate")
                .then().statusCode(200).extract().jsonPath();
        assertThat(explanation).extracting(v -> v.get("rule")).containsExactlyElementsOf(dryRun.getList("rules.rule"));
        assertThat(explanation).allSatisfy(v -> assertThat(v.get("matched")).isEqualTo(false));

        Map<String, Object> failedRuns = explanation.get(0);
        assertThat(failedRuns).containsEntry("rule", "mail-failed-runs").containsEntry("filter", "advancedFilters[0]");
        // The recorded reason is the dry run's, word for word.
        assertThat(failedRuns.get("reason")).isEqualTo(dryRun.getString("rules[0].mismatch.reason"))
                .asString().contains("data.runStatus").contains("Running");
        Map<String, Object> drift = explanation.stream().filter(v -> v.get("rule").equals("mail-drift")).findFirst()
                .orElseThrow();
        assertThat(drift).containsEntry("filter", "includedEventTypes");
        assertThat(drift.get("reason")).asString()
                .contains("Microsoft.MachineLearningServices.RunStatusChanged").contains("includedEventTypes");
    }

    @Test
    void aMatchedEventShowsItsRuleMatchedAndItsActionsAttemptsOutcomeAndExternalId() {
        String runId = unique();
        Events.Delivery d = run("RunStatusChanged.json", runId);
        deliver(d);

        JsonPath detail = admin().get("/events/" + d.id()).then().statusCode(200).extract().jsonPath();
        assertThat(detail.getString("outcome")).isEqualTo("routed");
        assertThat(detail.getMap("explanation[0]")).containsEntry("rule", "mail-failed-runs")
                .containsEntry("matched", true).doesNotContainKeys("filter", "reason");
        assertThat(detail.getString("actions[0].state")).isEqualTo("SUCCEEDED");
        assertThat(detail.getInt("actions[0].attempts")).isEqualTo(1);
        assertThat(detail.getString("actions[0].externalId")).startsWith("<").endsWith(">"); // the mail's Message-ID

        JsonPath page = search(Map.of("runId", runId, "rule", "mail-failed-runs", "outcome", "matched"));
        assertThat(page.getList("events.id")).containsExactly(d.id());
        assertThat(page.getString("events[0].actions[0].externalId")).isEqualTo(detail.getString("actions[0].externalId"));
        assertThat(page.getString("events[0].event")).isNull();
    }

    @Test
    void eachFilterNarrowsTheSearch() {
        String runId = unique();
        Events.Delivery failed = run("RunStatusChanged.json", runId);
        Events.Delivery running = run("RunStatusChanged.running.json", runId);
        Instant before = Instant.now();
        deliver(failed);
        deliver(running);
        String subject = "experiments/7f3b2a90-c1d4-4e8f-a6b5-0d9e8c7f1a32/runs/" + runId;

        assertThat(search(Map.of("runId", runId)).getList("events.id")).containsExactly(running.id(), failed.id());
        assertThat(search(Map.of("runId", runId, "outcome", "unmatched")).getList("events.id"))
                .containsExactly(running.id());
        assertThat(search(Map.of("runId", runId, "outcome", "matched")).getList("events.id"))
                .containsExactly(failed.id());
        assertThat(search(Map.of("runId", runId, "rule", "mail-failed-runs")).getList("events.id"))
                .containsExactly(failed.id());
        assertThat(search(Map.of("runId", runId, "rule", "mail-drift")).getList("events.id")).isEmpty();
        assertThat(search(Map.of("subject", subject.toUpperCase().substring(0, subject.length() - 4)))
                .getList("events.id")).containsExactly(running.id(), failed.id());
        assertThat(search(Map.of("subject", subject + "x")).getList("events.id")).isEmpty();
        assertThat(search(Map.of("runId", runId, "type", "Microsoft.MachineLearningServices.RunStatusChanged"))
                .getList("events.id")).hasSize(2);
        assertThat(search(Map.of("runId", runId, "type", "runstatuschanged")).getList("events.id")).hasSize(2);
        assertThat(search(Map.of("runId", runId, "type", "RunCompleted")).getList("events.id")).isEmpty();
        assertThat(search(Map.of("runId", runId, "from", before.minusSeconds(1).toString())).getList("events.id"))
                .hasSize(2);
        assertThat(search(Map.of("runId", runId, "from", Instant.now().plusSeconds(1).toString()))
                .getList("events.id")).isEmpty();
        assertThat(search(Map.of("runId", runId, "to", before.minusSeconds(1).toString())).getList("events.id"))
                .isEmpty();
        assertThat(search(Map.of("runId", runId, "from", "2020-01-01T00:00:00+01:00", "to",
                Instant.now().plusSeconds(5).toString())).getList("events.id")).hasSize(2);
    }

    @Test
    void modelEventsAreFoundByModelName() {
        String model = "model-" + UUID.randomUUID();
        ObjectNode event = EventFixtures.fresh("eventgrid/ModelRegistered.json");
        EventFixtures.data(event).put("modelName", model);
        event.put("subject", "models/" + model + ":14");
        Events.Delivery d = Events.of(event);
        deliver(d);
        JsonPath page = search(Map.of("model", model));
        assertThat(page.getList("events.id")).containsExactly(d.id());
        assertThat(page.getList("events[0].models")).containsExactly(model);
        assertThat(search(Map.of("model", model + "-other")).getList("events.id")).isEmpty();
    }

    @Test
    void actionOutcomesAreSearchable() {
        String prefix = "experiments/" + UUID.randomUUID() + "/";
        Instant now = Instant.now();
        String dead = record(prefix + "dead", now);
        String owed = record(prefix + "owed", now);
        String done = record(prefix + "done", now);
        ActionKey deadKey = new ActionKey(dead, "mail-failed-runs", 0);
        ActionKey owedKey = new ActionKey(owed, "mail-failed-runs", 0);
        ActionKey doneKey = new ActionKey(done, "mail-failed-runs", 0);
        for (ActionKey k : List.of(deadKey, owedKey, doneKey)) {
            ledger.claim(k, "email", Duration.ofMinutes(2)).await().indefinitely();
        }
        ledger.failedPermanently(deadKey, "SMTP refused the mail (550)").await().indefinitely();
        ledger.failedTransiently(owedKey, "SMTP replied 451").await().indefinitely();
        ledger.succeeded(doneKey, "<id@router>", "sent").await().indefinitely();

        assertThat(search(Map.of("subject", prefix, "outcome", "dead-letter")).getList("events.id"))
                .containsExactly(dead);
        assertThat(search(Map.of("subject", prefix, "outcome", "pending")).getList("events.id")).containsExactly(owed);
        assertThat(search(Map.of("subject", prefix, "outcome", "failed")).getList("events.id"))
                .containsExactly(owed, dead);
        assertThat(search(Map.of("subject", prefix, "outcome", "matched")).getList("events.id"))
                .containsExactly(done, owed, dead);
        JsonPath page = search(Map.of("subject", prefix, "outcome", "dead-letter"));
        assertThat(page.getString("events[0].actions[0].lastError")).isEqualTo("SMTP refused the mail (550)");
        assertThat(page.getString("events[0].actions[0].state")).isEqualTo("FAILED");
    }

    private String record(String subject, Instant now) {
        String id = UUID.randomUUID().toString();
        ledger.eventSeen(new EventRecord(id, "Microsoft.MachineLearningServices.RunStatusChanged", subject, "topic", now,
                now, 1, List.of("mail-failed-runs"), "routed", "{\"id\":\"" + id + "\"}")).await().indefinitely();
        return id;
    }

    @Test
    void pagesFollowTheCursorNewestFirstWithoutGapsOrRepeats() {
        String runId = unique();
        List<Events.Delivery> sent = List.of(run("RunStatusChanged.running.json", runId),
                run("RunStatusChanged.running.json", runId), run("RunStatusChanged.running.json", runId),
                run("RunStatusChanged.running.json", runId), run("RunStatusChanged.running.json", runId));
        sent.forEach(HistoryResourceTest::deliver);

        JsonPath first = search(Map.of("runId", runId, "limit", 2));
        assertThat(first.getInt("limit")).isEqualTo(2);
        assertThat(first.getList("events.id")).containsExactly(sent.get(4).id(), sent.get(3).id());
        String next = first.getString("next");
        assertThat(next).isNotBlank();
        JsonPath second = search(Map.of("runId", runId, "limit", 2, "cursor", next));
        assertThat(second.getList("events.id")).containsExactly(sent.get(2).id(), sent.get(1).id());
        JsonPath third = search(Map.of("runId", runId, "limit", 2, "cursor", second.getString("next")));
        assertThat(third.getList("events.id")).containsExactly(sent.get(0).id());
        assertThat(third.getString("next")).isNull();
    }

    @Test
    void anUnknownParameterIsAProblem400NamingIt() {
        admin().queryParam("runid", "x").queryParam("runId", "y").get("/events").then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:aml-event-router:problem:unknown-parameter"))
                .body("detail", containsString("runid"))
                .body("errors", hasSize(1))
                .body("errors[0].field", equalTo("runid"));
        admin().queryParam("status", "failed").get("/events").then().statusCode(400)
                .body("errors[0].field", equalTo("status"));
    }

    @Test
    void badValuesAreAProblem400NamingTheFieldAndTheReason() {
        Map<String, List<String>> bad = Map.of(
                "limit", List.of("0", "201", "many"),
                "outcome", List.of("lost"),
                "from", List.of("yesterday", "2026-03-14"),
                "to", List.of("14/03/2026"),
                "cursor", List.of("not-a-cursor!", "eA"));
        bad.forEach((field, values) -> values.forEach(value -> admin().queryParam(field, value).get("/events").then()
                .statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("urn:aml-event-router:problem:invalid-query"))
                .body("errors[0].field", equalTo(field))
                .body("errors[0].reason", containsString(value))));
        admin().queryParam("outcome", "lost").get("/events").then().statusCode(400)
                .body("errors[0].reason", containsString("matched, unmatched"));
        admin().queryParam("from", "2026-03-14T10:00:00Z").queryParam("to", "2026-03-14T09:00:00Z").get("/events")
                .then().statusCode(400).body("errors[0].field", equalTo("to"));
        admin().queryParam("type", "a").queryParam("type", "b").get("/events").then().statusCode(400)
                .body("errors[0].field", equalTo("type")).body("errors[0].reason", containsString("2 times"));
    }

    @Test
    void theSearchIsForAdminsOnlyAndAnEmptyQueryListsTheNewest() {
        given().get("/events").then().statusCode(401).contentType("application/problem+json");
        given().queryParam("key", "test-key-1").get("/events").then().statusCode(401);
        Events.Delivery d = run("RunStatusChanged.running.json", unique());
        deliver(d);
        admin().get("/events").then().statusCode(200).body("limit", equalTo(20))
                .body("events.id", hasItem(d.id())).body("scanned", notNullValue())
                .body("events[0].event", nullValue());
        // empty values (an HTML form's empty fields) are the same as leaving the parameters out
        admin().queryParam("type", "").queryParam("runId", " ").get("/events").then().statusCode(200)
                .body("events.id", hasItem(d.id())).body("events.id", not(hasSize(0)));
    }
}
