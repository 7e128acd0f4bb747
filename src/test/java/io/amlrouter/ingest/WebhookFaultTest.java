package io.amlrouter.ingest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.amlrouter.events.MlEvent;
import io.amlrouter.routing.EventBus;
import io.amlrouter.support.EventFixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A fault of ours while a delivery is handled (here: the publisher throws for one event id) is a 500 problem
 * document, which Event Grid delivers again, never a 4xx, which it would not; the replica stays healthy and takes the
 * next delivery.
 */
@QuarkusTest
@TestProfile(WebhookFaultTest.FaultyPublisher.class)
class WebhookFaultTest {

    static final String FAULTY_ID = "fault-of-ours-1";

    public static class FaultyPublisher implements QuarkusTestProfile {
        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(ThrowingPublisher.class);
        }
    }

    /**
     * The real publisher, but for one event id, for which it throws as a bug would. Enabled by the profile only (no
     * {@code @Priority}, which would enable it in every test's application); a singleton, as a normal-scoped
     * subclass would need a no-args constructor for its client proxy.
     */
    @Alternative
    @Singleton
    static class ThrowingPublisher extends EventPublisher {
        ThrowingPublisher(EventBus bus, IngestConfig config, IngestMetrics metrics) {
            super(bus, config, metrics);
        }

        @Override
        public CompletionStage<List<EventState>> submit(List<MlEvent> events, Duration deadline) {
            if (events.stream().anyMatch(e -> e.id().equals(FAULTY_ID))) {
                throw new IllegalStateException("a bug of the publisher");
            }
            return super.submit(events, deadline);
        }
    }

    @Test
    void aFaultOfOursIs500WithAProblemAndTheNextDeliveryIsTaken() {
        ObjectNode event = EventFixtures.fresh("eventgrid/RunStatusChanged.json");
        event.put("id", FAULTY_ID);
        given().queryParam("key", "test-key-1").contentType(EventFixtures.contentType(event))
                .body(EventFixtures.delivery(event)).post("/events")
                .then().statusCode(500).contentType("application/problem+json")
                .body("type", equalTo("urn:aml-event-router:problem:internal-error"))
                .body("status", equalTo(500));

        given().get("/q/health/ready").then().statusCode(200);
        ObjectNode next = EventFixtures.fresh("eventgrid/RunStatusChanged.json");
        given().queryParam("key", "test-key-1").contentType(EventFixtures.contentType(next))
                .body(EventFixtures.delivery(next)).post("/events")
                .then().statusCode(200).body("events[0].state", startsWith("done"));
    }
}
