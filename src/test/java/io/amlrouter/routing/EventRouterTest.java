package io.amlrouter.routing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.amlrouter.ledger.ActionRecord;
import io.amlrouter.ledger.ActionState;
import io.amlrouter.ledger.EventHistory;
import io.amlrouter.ledger.OutcomeLedger;
import io.amlrouter.support.EventFixtures;
import io.amlrouter.support.Events;
import io.quarkus.test.junit.QuarkusTest;

/** Routing outcomes through HTTP, observed in the outcome ledger. */
@QuarkusTest
class EventRouterTest {

    @Inject
    OutcomeLedger ledger;

    static void deliver(Events.Delivery d) {
        given().queryParam("key", "test-key-1").contentType("application/json; charset=utf-8").body(d.body())
                .post("/events").then().statusCode(200).body("events[0].state", equalTo("done"));
    }

    EventHistory history(String id) {
        return ledger.event(id).await().indefinitely().orElseThrow();
    }

    @Test
    void aMatchingEventRunsItsActionOnceEvenWhenRedelivered() {
        Events.Delivery d = Events.eventGrid("RunStatusChanged.json");
        deliver(d);
        deliver(d);
        deliver(d);
        EventHistory h = history(d.id());
        assertThat(h.event().matchedRules()).containsExactly("mail-failed-runs");
        assertThat(h.event().deliveries()).isEqualTo(3);
        assertThat(h.actions()).singleElement().satisfies(a -> {
            assertThat(a.key().rule()).isEqualTo("mail-failed-runs");
            assertThat(a.kind()).isEqualTo("email");
            assertThat(a.state()).isEqualTo(ActionState.SUCCEEDED);
            assertThat(a.attempts()).isEqualTo(1);
        });
    }

    @Test
    void anEventNoRuleMatchesIsAcknowledgedAndRecorded() {
        Events.Delivery d = Events.eventGrid("ModelRegistered.json");
        deliver(d);
        EventHistory h = history(d.id());
        assertThat(h.event().outcome()).isEqualTo("no-rule-matched");
        assertThat(h.actions()).isEmpty();
    }

    @Test
    void anEventFromAnotherWorkspaceIsAcknowledgedButNotActedOn() {
        Events.Delivery d = Events.eventGrid("Unknown.json");
        deliver(d);
        EventHistory h = history(d.id());
        assertThat(h.event().outcome()).isEqualTo("workspace-not-allowed");
        assertThat(h.actions()).isEmpty();
    }

    @Test
    void aTopicThatOnlyStartsWithTheAllowedWorkspaceIsNotAllowed() {
        for (String tail : List.of("/../mlw-evil", "/models/x")) {
            ObjectNode event = EventFixtures.fresh("eventgrid/RunStatusChanged.json");
            event.put("topic", event.get("topic").textValue() + tail);
            Events.Delivery d = Events.of(event);
            deliver(d);
            EventHistory h = history(d.id());
            assertThat(h.event().outcome()).as(tail).isEqualTo("workspace-not-allowed");
            assertThat(h.actions()).as(tail).isEmpty();
        }
    }

    @Test
    void workspaceIdsCompareIgnoringCase() {
        Events.Delivery d = Events.eventGrid("RunStatusChanged.upper-topic.json");
        deliver(d);
        assertThat(history(d.id()).actions()).extracting(ActionRecord::state).containsExactly(ActionState.SUCCEEDED);
    }
}
