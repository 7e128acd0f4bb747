package io.amlrouter.ingest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.amlrouter.support.TestData;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;

/** The webhook's happy paths and handshakes, through HTTP. */
@QuarkusTest
class EventsResourceTest {

    static final String KEY = "test-key-1";

    static RequestSpecification delivery(String contentType) {
        return given().queryParam("key", KEY).contentType(contentType);
    }

    @ParameterizedTest
    @ValueSource(strings = { "RunCompleted", "RunStatusChanged", "ModelRegistered", "ModelDeployed",
            "DatasetDriftDetected" })
    void acceptsEachAzureMlEventAsASingleCloudEventInBothCasings(String type) {
        for (String variant : new String[] { ".json", ".pascal.json" }) {
            delivery("application/cloudevents+json; charset=utf-8")
                    .body(TestData.bytes("events/cloudevents/" + type + variant))
                    .post("/events")
                    .then().statusCode(200)
                    .body("events", hasSize(1))
                    .body("events[0].type", equalTo("Microsoft.MachineLearningServices." + type))
                    .body("events[0].state", equalTo("done"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "eventgrid/ModelDeployed.pascal.json", "eventgrid/DatasetDriftDetected.pascal.json",
            "eventgrid/RunCompleted.runtype-null.json", "eventgrid/DatasetDriftDetected.docs-subject.json",
            "eventgrid/RunStatusChanged.upper-topic.json", "eventgrid/Unknown.json" })
    void acceptsEventGridSchemaVariants(String fixture) {
        delivery("application/json; charset=utf-8").body(TestData.bytes("events/" + fixture))
                .post("/events")
                .then().statusCode(200).body("events[0].state", equalTo("done"));
    }

    @Test
    void acceptsACloudEventsBatchUnderBothMediaTypes() {
        for (String type : new String[] { "application/cloudevents-batch+json; charset=utf-8", "application/cloudevents+json; charset=utf-8" }) {
            delivery(type).body(TestData.bytes("events/cloudevents/batch.json")).post("/events")
                    .then().statusCode(200).body("events", hasSize(3));
        }
    }

    @Test
    void answersTheValidationHandshakeWith200AndTheCode() {
        delivery("application/json").header("aeg-event-type", "SubscriptionValidation")
                .header("aeg-subscription-name", "AML-ACTIONS")
                .body(TestData.bytes("events/system/validation.json"))
                .post("/events")
                .then().statusCode(200)
                .body("validationResponse", equalTo("3f9c1e7a-82d4-4b60-a5e1-c07b94d2f813"));
    }

    @Test
    void answersAValidationEventWhoseCloudEventsDataIsDoubleEncoded() {
        delivery("application/cloudevents+json; charset=utf-8").body(TestData.bytes("events/system/validation.cloudevents-encoded.json"))
                .post("/events")
                .then().statusCode(200).body("validationResponse", equalTo("9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d"));
    }

    @Test
    void acknowledgesASubscriptionDeletionNotice() {
        delivery("application/json").header("aeg-event-type", "SubscriptionDeletion")
                .body(TestData.bytes("events/system/deletion.json"))
                .post("/events")
                .then().statusCode(200).body("events", hasSize(0));
    }

    @Test
    void cloudEventsAbuseProtectionHandshake() {
        given().header("WebHook-Request-Origin", "eventgrid.azure.net").header("WebHook-Request-Rate", "120")
                .options("/events")
                .then().statusCode(200)
                .header("WebHook-Allowed-Origin", "eventgrid.azure.net")
                .header("WebHook-Allowed-Rate", "*")
                .header("Allow", containsString("POST"));
    }

    @Test
    void abuseProtectionWithoutOriginIsRefusedWithoutConsent() {
        given().options("/events")
                .then().statusCode(400)
                .header("WebHook-Allowed-Origin", nullValue())
                .contentType("application/problem+json")
                .body("errors.field", hasItem("WebHook-Request-Origin"));
    }

    @Test
    void identicalDuplicatesInOneDeliveryRunOnce() {
        String one = TestData.text("events/cloudevents/RunStatusChanged.json");
        delivery("application/cloudevents-batch+json; charset=utf-8").body("[" + one + "," + one + "]")
                .post("/events")
                .then().statusCode(200).body("events", hasSize(1));
    }

    @Test
    void aBomBeforeTheJsonIsTolerated() {
        byte[] json = TestData.bytes("events/cloudevents/RunCompleted.json");
        byte[] withBom = new byte[json.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(json, 0, withBom, 3, json.length);
        delivery("application/cloudevents+json; charset=utf-8").body(withBom).post("/events").then().statusCode(200);
    }

    @Test
    void readinessSaysIngestAccepts() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'ingest' }.data.accepting", is(true));
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/health/started").then().statusCode(200);
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
