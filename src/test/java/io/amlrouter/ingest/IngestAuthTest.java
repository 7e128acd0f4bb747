package io.amlrouter.ingest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import io.amlrouter.support.TestData;
import io.amlrouter.support.TestTokens;
import io.amlrouter.support.WireMockResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Shared keys (query or header, two valid at once for rotation) and Entra bearer tokens checked
 * against a JWKS served by a local WireMock: right and wrong audience, issuer, role, caller (only Event
 * Grid's application, by v1 appid or v2 azp), expiry, signature.
 */
@QuarkusTest
class IngestAuthTest {

    static final byte[] EVENT = TestData.bytes("events/cloudevents/RunCompleted.json");

    private static io.restassured.response.ValidatableResponse post(io.restassured.specification.RequestSpecification spec) {
        return spec.contentType("application/cloudevents+json; charset=utf-8").body(EVENT).post("/events").then();
    }

    @Test
    void noCredentialIs401ProblemJson() {
        post(given()).statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer")
                .body("title", equalTo("Unauthorized"))
                .body("detail", containsString("is required"));
    }

    @Test
    void wrongKeyIs401() {
        post(given().queryParam("key", "not-the-key")).statusCode(401).body("detail", equalTo("the key is not valid"));
        post(given().header("X-Event-Key", "test-key-1x")).statusCode(401);
    }

    @Test
    void eitherRotationKeyIsAcceptedInQueryOrHeader() {
        post(given().queryParam("key", "test-key-1")).statusCode(200);
        post(given().queryParam("key", "test-key-2")).statusCode(200);
        post(given().header("X-Event-Key", "test-key-2")).statusCode(200);
    }

    @Test
    void validationHandshakeNeedsTheCredentialToo() {
        given().contentType("application/json").body(TestData.bytes("events/system/validation.json"))
                .post("/events").then().statusCode(401);
    }

    @Test
    void aValidEntraTokenIsAccepted() {
        post(bearer(TestTokens.sign(TestTokens.eventGridClaims()))).statusCode(200);
    }

    @Test
    void theAppIdIsAnAcceptedAudienceAndV2IssuerToo() {
        post(bearer(token(c -> {
            c.put("aud", TestTokens.APP_ID);
            c.put("iss", "https://login.microsoftonline.com/" + TestTokens.TENANT + "/v2.0");
        }))).statusCode(200);
    }

    @Test
    void aRoleHolderOtherThanEventGridIs401NamingItsAppId() {
        // Microsoft's secure-webhook script gives the role to the subscription's creator too: their own token
        // (here: issued to the Azure CLI) carries the role but is not Event Grid's.
        String azureCli = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
        post(bearer(token(c -> c.put("appid", azureCli)))).statusCode(401).contentType("application/problem+json")
                .body("detail", containsString(azureCli));
        post(bearer(token(c -> {
            c.put("iss", "https://login.microsoftonline.com/" + TestTokens.TENANT + "/v2.0");
            c.put("aud", TestTokens.APP_ID);
            c.remove("appid");
            c.put("azp", azureCli);
        }))).statusCode(401).body("detail", containsString(azureCli));
        post(bearer(token(c -> c.remove("appid")))).statusCode(401).body("detail", containsString("calling application"));
    }

    @Test
    void eventGridIsTheCallerInV1AppidAndV2Azp() {
        post(bearer(token(c -> c.put("appid", TestTokens.EVENT_GRID_APP)))).statusCode(200);
        post(bearer(token(c -> c.put("appid", "54316b56-3481-47f9-8f30-0300f5542a7b")))).statusCode(200);
        post(bearer(token(c -> {
            c.put("ver", "2.0");
            c.put("iss", "https://login.microsoftonline.com/" + TestTokens.TENANT + "/v2.0");
            c.put("aud", TestTokens.APP_ID);
            c.remove("appid");
            c.put("azp", TestTokens.EVENT_GRID_APP);
        }))).statusCode(200);
        // the same v2 token from any other caller is refused: the 200 above is Event Grid's azp, not the role
        post(bearer(token(c -> {
            c.put("ver", "2.0");
            c.put("iss", "https://login.microsoftonline.com/" + TestTokens.TENANT + "/v2.0");
            c.put("aud", TestTokens.APP_ID);
            c.remove("appid");
            c.put("azp", "7f0c2d4e-0000-4c5d-8e9f-0a1b2c3d4e5f");
        }))).statusCode(401);
    }

    @Test
    void wrongAudienceIs401() {
        post(bearer(token(c -> c.put("aud", "api://someone-else")))).statusCode(401)
                .body("detail", containsString("audience"));
    }

    @Test
    void wrongIssuerIs401() {
        post(bearer(token(c -> c.put("iss", "https://sts.windows.net/another-tenant/")))).statusCode(401)
                .body("detail", containsString("issuer"));
    }

    @Test
    void missingRoleIs401() {
        post(bearer(token(c -> c.put("roles", List.of("SomethingElse"))))).statusCode(401)
                .body("detail", containsString("AzureEventGridSecureWebhookSubscriber"));
    }

    @Test
    void expiredTokenIs401() {
        post(bearer(token(c -> c.put("exp", Instant.now().minusSeconds(3600).getEpochSecond())))).statusCode(401)
                .body("detail", equalTo("token expired"));
    }

    @Test
    void tokenNotYetValidIs401() {
        post(bearer(token(c -> c.put("nbf", Instant.now().plusSeconds(3600).getEpochSecond())))).statusCode(401)
                .body("detail", equalTo("token not yet valid"));
    }

    @Test
    void forgedSignatureIs401() {
        post(bearer(TestTokens.signWithUntrustedKey(TestTokens.eventGridClaims()))).statusCode(401)
                .body("detail", equalTo("bad signature"));
    }

    @Test
    void unsignedTokenIs401() {
        String[] parts = TestTokens.sign(TestTokens.eventGridClaims()).split("\\.");
        String none = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"alg\":\"none\",\"kid\":\"test-key-1\"}".getBytes());
        post(bearer(none + "." + parts[1] + ".")).statusCode(401).body("detail", containsString("algorithm"));
    }

    @Test
    void unknownKeyIdIs401() {
        post(bearer(TestTokens.signWithKid(TestTokens.eventGridClaims(), "no-such-key"))).statusCode(401)
                .body("detail", containsString("unknown key"));
    }

    @Test
    void aTokenOfAKeyNobodyPublishesIs401() {
        post(bearer(TestTokens.signWithUnknownKey(TestTokens.eventGridClaims(), "someone-elses-key"))).statusCode(401)
                .body("detail", equalTo("token signed with unknown key \"someone-elses-key\""));
    }

    @Test
    void aRotatedKeyIsAcceptedAfterOneRefetch() {
        String rotated = TestTokens.signWithRotatedKey(TestTokens.eventGridClaims());
        try {
            WireMockResource.serveJwks(TestTokens.jwksWithRotatedKey());
            int before = WireMockResource.jwksFetches();
            post(bearer(rotated)).statusCode(200);
            org.assertj.core.api.Assertions.assertThat(WireMockResource.jwksFetches()).isEqualTo(before + 1);
            post(bearer(rotated)).statusCode(200);
            post(bearer(TestTokens.sign(TestTokens.eventGridClaims()))).statusCode(200);
            org.assertj.core.api.Assertions.assertThat(WireMockResource.jwksFetches()).isEqualTo(before + 1);
        } finally {
            WireMockResource.serveJwks();
        }
    }

    @Test
    void signingKeysUnreachableIs503NeverA401() {
        WireMockResource.failJwks();
        try {
            post(bearer(TestTokens.signWithKid(TestTokens.eventGridClaims(), "rotated-key"))).statusCode(503)
                    .header("Retry-After", "30")
                    .body("title", equalTo("Credential check unavailable"));
        } finally {
            WireMockResource.serveJwks();
        }
        post(bearer(TestTokens.sign(TestTokens.eventGridClaims()))).statusCode(200);
    }

    private static io.restassured.specification.RequestSpecification bearer(String token) {
        return given().header("Authorization", "Bearer " + token);
    }

    private static String token(Consumer<Map<String, Object>> change) {
        Map<String, Object> claims = TestTokens.eventGridClaims();
        change.accept(claims);
        return TestTokens.sign(claims);
    }
}
