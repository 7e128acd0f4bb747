package io.amlrouter.support;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.amlrouter.ledger.ActionKey;
import io.amlrouter.ledger.ActionRecord;
import io.amlrouter.ledger.ActionState;
import io.amlrouter.ledger.OutcomeLedger;
import io.restassured.response.ValidatableResponse;

/**
 * Events for the action tests (fixtures with a fresh id and a {@code routerTest} tag that selects the
 * test rules of {@code service-rules.yaml}), their delivery through {@code POST /events}, and waits on
 * the ledger.
 */
public final class ActionTestSupport {

    public static final String WORKSPACE = "/subscriptions/5d2c8e71-94ab-4f3e-b0c6-1a7e3f9d2b48/resourceGroups/"
            + "rg-mlops-prod/providers/Microsoft.MachineLearningServices/workspaces/mlw-fraud-weu";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ActionTestSupport() {
    }

    /** A RunCompleted CloudEvent with a new id and run id, tagged only {@code routerTest: test}. */
    public static ObjectNode runCompleted(String test) {
        ObjectNode event = fixture("events/cloudevents/RunCompleted.json");
        String run = "run_" + UUID.randomUUID().toString().substring(0, 8);
        ObjectNode data = (ObjectNode) event.get("data");
        data.put("runId", run);
        data.putObject("runTags").put("routerTest", test);
        event.put("subject", "experiments/" + data.get("experimentId").asText() + "/runs/" + run);
        return event;
    }

    /** A ModelRegistered CloudEvent of fraud-gbm:{version} with a new id, tagged {@code routerTest: test}. */
    public static ObjectNode modelRegistered(String test, String version) {
        ObjectNode event = fixture("events/cloudevents/ModelRegistered.json");
        ObjectNode data = (ObjectNode) event.get("data");
        data.put("modelVersion", version);
        ((ObjectNode) data.get("modelTags")).put("routerTest", test);
        event.put("subject", "models/fraud-gbm:" + version);
        return event;
    }

    private static ObjectNode fixture(String path) {
        try {
            ObjectNode event = (ObjectNode) JSON.readTree(TestData.bytes(path));
            event.put("id", UUID.randomUUID().toString());
            return event;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Delivers one event as Event Grid would (CloudEvents, shared key) and returns the answer. */
    public static ValidatableResponse deliver(ObjectNode event) {
        return given().queryParam("key", "test-key-1").contentType("application/cloudevents+json; charset=utf-8")
                .body(event.toString()).post("/events").then();
    }

    /** The key of action {@code index} of {@code rule} for this event. */
    public static ActionKey key(ObjectNode event, String rule, int index) {
        return new ActionKey(event.get("id").asText(), rule, index);
    }

    public static Optional<ActionRecord> record(OutcomeLedger ledger, ActionKey key) {
        return ledger.action(key).await().atMost(Duration.ofSeconds(5));
    }

    /** Waits until the action reaches {@code state} and returns its record. */
    public static ActionRecord awaitState(OutcomeLedger ledger, ActionKey key, ActionState state, Duration within) {
        return await().atMost(within).pollInterval(Duration.ofMillis(50))
                .until(() -> record(ledger, key).orElse(null), r -> r != null && r.state() == state);
    }
}
