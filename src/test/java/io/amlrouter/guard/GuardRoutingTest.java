package io.amlrouter.guard;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.amlrouter.support.ActionTestSupport.deliver;
import static io.amlrouter.support.ActionTestSupport.key;
import static io.amlrouter.support.ActionTestSupport.record;
import static io.amlrouter.support.ActionTestSupport.runCompleted;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;

import io.amlrouter.ledger.ActionRecord;
import io.amlrouter.ledger.ActionState;
import io.amlrouter.ledger.OutcomeLedger;
import io.amlrouter.support.WireMockResource;
import io.amlrouter.support.WireMockStubs;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/**
 * Rate limits and silences in the shared test application (in-memory ledger), through {@code POST /events},
 * the admin API and WireMock over HTTPS as the webhook receiver ({@code test-webhook-limited} of
 * service-rules.yaml: at most 2 posts per {@code runTags.limitKey} and hour).
 */
@QuarkusTest
class GuardRoutingTest {

    static final String RULE = "test-webhook-limited";
    static final String ADMIN = "Bearer test-admin-key";

    @Inject
    OutcomeLedger ledger;

    final WireMockServer wm = WireMockResource.server();
    final WireMockStubs stubs = new WireMockStubs(wm);

    @AfterEach
    void removeStubs() {
        stubs.removeAll();
    }

    static ObjectNode limited(String limitKey) {
        ObjectNode event = runCompleted("webhook-limited");
        ((ObjectNode) event.get("data").get("runTags")).put("limitKey", limitKey);
        return event;
    }

    int posts(ObjectNode event) {
        RequestPatternBuilder hook = postRequestedFor(urlPathEqualTo("/hooks/limited"));
        return (int) wm.findAll(hook).stream()
                .filter(r -> r.getBodyAsString().contains(event.at("/data/runId").asText())).count();
    }

    @Test
    void theThirdEventOfAKeyWithinTheWindowIsLimitedAnsweredOkAndStaysLimited() {
        stubs.add(post(urlPathEqualTo("/hooks/limited")).willReturn(aResponse().withStatus(204)));
        String key = "k-" + UUID.randomUUID();
        List<ObjectNode> events = List.of(limited(key), limited(key), limited(key));
        for (ObjectNode e : events) {
            deliver(e).statusCode(200).body("events[0].state", is("done"));
        }
        assertThat(events.stream().mapToInt(this::posts).toArray()).containsExactly(1, 1, 0);
        ActionRecord third = record(ledger, key(events.get(2), RULE, 0)).orElseThrow();
        assertThat(third.state()).isEqualTo(ActionState.LIMITED);
        assertThat(third.detail()).isEqualTo("over its limit of 2 per 1h for key \"" + key + "\"");

        // Redelivered: still limited, never run later; the first is not run again either.
        deliver(events.get(2)).statusCode(200);
        deliver(events.get(0)).statusCode(200);
        assertThat(events.stream().mapToInt(this::posts).toArray()).containsExactly(1, 1, 0);
        given().header("Authorization", ADMIN).get("/events/" + events.get(2).get("id").asText()).then().statusCode(200)
                .body("outcome", is("routed")).body("actions[0].state", is("LIMITED"));
        given().get("/q/metrics").then().body(org.hamcrest.Matchers.containsString(
                "actions_limited_total{kind=\"webhook\",rule=\"" + RULE + "\"}"));

        // Another key has its own window.
        ObjectNode other = limited("other-" + key);
        deliver(other).statusCode(200);
        assertThat(posts(other)).isEqualTo(1);
    }

    @Test
    void aSilenceOfTheApiStopsTheActionsUntilItIsExpired() {
        stubs.add(post(urlPathEqualTo("/hooks/limited")).willReturn(aResponse().withStatus(204)));
        String key = "silenced-" + UUID.randomUUID();
        String id = given().header("Authorization", ADMIN).contentType("application/json").body("""
                {"filter": {"advancedFilters": [{"operatorType": "StringIn", "key": "data.runTags.limitKey",
                                                 "values": ["%s"]}]},
                 "endsAt": "%s", "comment": "test", "createdBy": "GuardRoutingTest"}
                """.formatted(key, Instant.now().plusSeconds(3600))).post("/silences").then().statusCode(201)
                .header("Location", org.hamcrest.Matchers.matchesPattern(".*/silences/[0-9a-f-]{36}"))
                .extract().path("id");
        ObjectNode silenced = limited(key);
        deliver(silenced).statusCode(200).body("events[0].state", is("done"));
        assertThat(posts(silenced)).isZero();
        given().header("Authorization", ADMIN).get("/events/" + silenced.get("id").asText()).then().statusCode(200)
                .body("outcome", is("silenced")).body("silencedBy", contains(id)).body("actions.size()", is(0));
        given().header("Authorization", ADMIN).get("/silences").then().statusCode(200)
                .body("silences.id", hasItem(id));

        given().header("Authorization", ADMIN).delete("/silences/" + id).then().statusCode(200)
                .body("status", is("expired"));
        ObjectNode after = limited(key);
        deliver(after).statusCode(200);
        assertThat(posts(after)).isEqualTo(1);
        given().header("Authorization", ADMIN).delete("/silences/" + UUID.randomUUID()).then().statusCode(404)
                .contentType(startsWith("application/problem+json"));
    }
}
