package io.amlrouter.console;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;

import io.amlrouter.support.TestTokens;
import io.amlrouter.support.WireMockResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.Cookie;
import io.restassured.http.Cookies;
import io.restassured.response.Response;

/**
 * "Sign in with Microsoft" end to end, against a local Microsoft Entra stand-in over HTTPS (the tests' WireMock):
 * its discovery document and signing keys, an authorize endpoint that sends the browser back with a code and the
 * state, and a token endpoint that issues an ID token signed by the test key, with or without the app role. The
 * browser is REST-assured carrying the cookies from answer to answer, as a browser does.
 */
@QuarkusTest
@TestProfile(ConsoleEntraSignInTest.EntraConfigured.class)
class ConsoleEntraSignInTest {

    static final String CLIENT = "5d7c0a1e-2b3c-4d5e-9f80-1a2b3c4d5e6f";
    static final String SECRET = "entra-test-client-secret-of-40-characters";
    static final String ROLE = "AmlEventRouter.Admin";

    /** The console with Microsoft Entra sign-in configured against the stand-in. */
    public static class EntraConfigured implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // WireMockResource's HTTPS origin (azure.authority-host) and the trust store of its test certificate.
            return Map.of("console.entra.tenant-id", TestTokens.TENANT,
                    "console.entra.client-id", CLIENT,
                    "console.entra.client-secret", SECRET,
                    "console.entra.authority-host", "${azure.authority-host}",
                    "console.entra.tls-configuration-name", "entra-stand-in",
                    "quarkus.tls.entra-stand-in.trust-store.p12.path", "${azure.trust-store.path}",
                    "quarkus.tls.entra-stand-in.trust-store.p12.password", "${azure.trust-store.password}");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<StubMapping> stubs = new ArrayList<>();

    static String authority() {
        return WireMockResource.httpsUrl() + "/" + TestTokens.TENANT;
    }

    @BeforeEach
    void standIn() throws Exception {
        Map<String, Object> discovery = new LinkedHashMap<>();
        discovery.put("issuer", authority() + "/v2.0");
        discovery.put("authorization_endpoint", authority() + "/oauth2/v2.0/authorize");
        discovery.put("token_endpoint", authority() + "/oauth2/v2.0/token");
        discovery.put("jwks_uri", WireMockResource.httpsUrl() + WireMockResource.jwksPath());
        discovery.put("end_session_endpoint", authority() + "/oauth2/v2.0/logout");
        discovery.put("response_types_supported", List.of("code", "id_token", "code id_token"));
        discovery.put("subject_types_supported", List.of("pairwise"));
        discovery.put("id_token_signing_alg_values_supported", List.of("RS256"));
        discovery.put("scopes_supported", List.of("openid", "profile", "email", "offline_access"));
        stubs.add(WireMockResource.server().stubFor(get(urlPathEqualTo("/" + TestTokens.TENANT
                + "/v2.0/.well-known/openid-configuration")).willReturn(okJson(JSON.writeValueAsString(discovery)))));
    }

    @AfterEach
    void removeStubs() {
        stubs.forEach(WireMockResource.server()::removeStub);
        stubs.clear();
    }

    /** Entra's authorize endpoint: the user signs in and the browser goes back with {@code code} and the state. */
    void authorizeAnswers(String query) {
        stubs.add(WireMockResource.server().stubFor(get(urlPathEqualTo("/" + TestTokens.TENANT + "/oauth2/v2.0/authorize"))
                .withQueryParam("client_id", equalTo(CLIENT)).withQueryParam("response_type", equalTo("code"))
                .withQueryParam("scope", containing("openid")).withQueryParam("scope", containing("profile"))
                .withQueryParam("redirect_uri", containing("/console/entra/sign-in"))
                .willReturn(aResponse().withStatus(302).withHeader("Location",
                        "{{request.query.redirect_uri}}?" + query + "&state={{request.query.state}}")
                        .withTransformers("response-template"))));
    }

    /** Entra's token endpoint: the code, with the client's secret, for an ID token with these claims. */
    void tokenEndpointIssues(String code, Map<String, Object> idTokenClaims) throws Exception {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("token_type", "Bearer");
        answer.put("scope", "openid profile");
        answer.put("expires_in", 3599);
        answer.put("access_token", "opaque-graph-access-token");
        answer.put("id_token", TestTokens.sign(idTokenClaims));
        String basic = "Basic " + Base64.getEncoder().encodeToString((CLIENT + ":" + SECRET)
                .getBytes(StandardCharsets.UTF_8));
        stubs.add(WireMockResource.server().stubFor(post(urlPathEqualTo("/" + TestTokens.TENANT + "/oauth2/v2.0/token"))
                .withHeader("Authorization", equalTo(basic))
                .withRequestBody(containing("grant_type=authorization_code"))
                .withRequestBody(containing("code=" + code))
                .willReturn(okJson(JSON.writeValueAsString(answer)))));
    }

    /** An Entra v2 ID token of a user of the tenant, for our client. */
    static Map<String, Object> idToken(String user, List<String> roles) {
        Instant now = Instant.now();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("ver", "2.0");
        claims.put("iss", authority() + "/v2.0");
        claims.put("aud", CLIENT);
        claims.put("iat", now.getEpochSecond());
        claims.put("nbf", now.getEpochSecond());
        claims.put("exp", now.plus(Duration.ofHours(1)).getEpochSecond());
        claims.put("sub", "pairwise-subject-of-" + user);
        claims.put("oid", "00000000-0000-4000-8000-00000000a11c");
        claims.put("tid", TestTokens.TENANT);
        claims.put("name", "Test User");
        claims.put("preferred_username", user);
        if (roles != null) {
            claims.put("roles", roles);
        }
        return claims;
    }

    /** What the browser holds and sees after the round trip through the stand-in. */
    record Landing(Response callback, Cookies cookies) {
    }

    /** Clicks "Sign in with Microsoft", follows the redirect to Entra and Entra's redirect back. */
    static Landing signInWithMicrosoft() {
        String login = ConsoleAccessTest.browser().get("/console/login").then().statusCode(200)
                .body(containsString("Sign in with Microsoft")).extract().asString();
        Matcher link = java.util.regex.Pattern.compile("<a class=\"button\" id=\"entra-sign-in\" href=\"([^\"]+)\"")
                .matcher(login);
        assertThat(link.find()).as("the sign-in link").isTrue();

        Response start = ConsoleAccessTest.browser().get(link.group(1));
        assertThat(start.statusCode()).as("to Entra").isEqualTo(302);
        String toEntra = start.header("Location");
        assertThat(toEntra).startsWith(authority() + "/oauth2/v2.0/authorize?");
        Cookies state = start.getDetailedCookies();
        assertThat(state.asList()).as("quarkus-oidc's state cookie").isNotEmpty();

        Response entra = ConsoleAccessTest.browser().relaxedHTTPSValidation().urlEncodingEnabled(false).get(toEntra);
        assertThat(entra.statusCode()).as("Entra sends the browser back").isEqualTo(302);
        String back = entra.header("Location");
        assertThat(back).contains("/console/entra/sign-in?");

        Response callback = ConsoleAccessTest.browser().urlEncodingEnabled(false).cookies(state).get(back);
        return new Landing(callback, callback.getDetailedCookies());
    }

    static List<String> setCookies(Response r) {
        return r.headers().getValues("Set-Cookie");
    }

    @Test
    void theSignInPageOffersMicrosoftBesideTheKey() {
        ConsoleAccessTest.browser().get("/console/login").then().statusCode(200)
                .body(containsString(">Sign in with Microsoft</a>"))
                .body(containsString("<label for=\"key\">Admin key</label>"));
    }

    @Test
    void aUserWithTheAppRoleLandsOnTheConsoleSignedIn() throws Exception {
        authorizeAnswers("code=code-of-alice");
        tokenEndpointIssues("code-of-alice", idToken("alice@contoso.com", List.of("Some.Other.Role", ROLE)));

        Landing landing = signInWithMicrosoft();
        Response callback = landing.callback();
        assertThat(callback.statusCode()).as(callback.asString()).isEqualTo(200);
        // A page that moves on to /console (a SameSite=Strict cookie is not sent on a redirect Entra's site started).
        assertThat(callback.asString()).contains("<meta http-equiv=\"refresh\" content=\"0; url=/console\">")
                .contains("Signed in with alice@contoso.com (Microsoft Entra)");
        Cookie session = landing.cookies().get(ConsoleSessions.COOKIE);
        assertThat(session).as("the console session cookie").isNotNull();
        assertThat(session.isHttpOnly()).isTrue();
        assertThat(session.getSameSite()).isEqualToIgnoringCase("Strict");
        assertThat(session.getPath()).isEqualTo("/console");
        // quarkus-oidc's own session ends with the callback: the console session alone counts.
        for (Cookie c : landing.cookies().asList()) {
            if (c.getName().startsWith("q_session")) {
                assertThat(c.getMaxAge()).as("removed: " + c).isZero();
            }
        }
        WireMockResource.server().verify(1, postRequestedFor(urlPathEqualTo("/" + TestTokens.TENANT
                + "/oauth2/v2.0/token")).withRequestBody(containing("code=code-of-alice")));

        String page = ConsoleAccessTest.browser().cookie(ConsoleSessions.COOKIE, session.getValue()).get("/console")
                .then().statusCode(200).extract().asString();
        assertThat(page).contains("Signed in with alice@contoso.com (Microsoft Entra)");

        // Then the console works as with a key: forms carry the session's CSRF token; signing out ends the session.
        String csrf = ConsoleAccessTest.csrfOf(session.getValue());
        ConsoleAccessTest.browser().cookie(ConsoleSessions.COOKIE, session.getValue())
                .contentType("application/x-www-form-urlencoded").post("/console/logout").then().statusCode(403);
        ConsoleAccessTest.browser().cookie(ConsoleSessions.COOKIE, session.getValue())
                .contentType("application/x-www-form-urlencoded").formParam("csrf", csrf).post("/console/logout")
                .then().statusCode(303).header("Location", endsWith("/console/login"));
        ConsoleAccessTest.browser().cookie(ConsoleSessions.COOKIE, session.getValue()).get("/console").then()
                .statusCode(303).header("Location", endsWith("/console/login"));
    }

    @Test
    void aUserWithoutTheAppRoleGetsA403PageAndNoSession() throws Exception {
        authorizeAnswers("code=code-of-bob");
        tokenEndpointIssues("code-of-bob", idToken("bob@contoso.com", List.of("Some.Other.Role")));

        Landing landing = signInWithMicrosoft();
        Response callback = landing.callback();
        assertThat(callback.statusCode()).as(callback.asString()).isEqualTo(403);
        assertThat(callback.asString()).contains("bob@contoso.com does not hold the app role " + ROLE)
                .contains("Nothing was signed in");
        assertThat(landing.cookies().get(ConsoleSessions.COOKIE)).as("no console session").isNull();
        for (Cookie c : landing.cookies().asList()) {
            if (c.getName().startsWith("q_session")) {
                assertThat(c.getMaxAge()).as("removed: " + c).isZero();
            }
        }
        assertThat(setCookies(callback)).noneMatch(c -> c.startsWith(ConsoleSessions.COOKIE + "=") && c.length() > 20);
    }

    @Test
    void aTokenWithoutAnyRolesClaimGetsA403PageToo() throws Exception {
        authorizeAnswers("code=code-of-carol");
        tokenEndpointIssues("code-of-carol", idToken("carol@contoso.com", null));

        Landing landing = signInWithMicrosoft();
        assertThat(landing.callback().statusCode()).isEqualTo(403);
        assertThat(landing.cookies().get(ConsoleSessions.COOKIE)).isNull();
    }

    @Test
    void anErrorFromEntraIsShownAndSignsNothingIn() {
        authorizeAnswers("error=access_denied&error_description=The+user+cancelled");

        Landing landing = signInWithMicrosoft();
        Response answer = landing.callback();
        // quarkus-oidc sends Entra's error on to the console's error page.
        if (answer.statusCode() == 302) {
            assertThat(answer.header("Location")).contains("/console/entra/error");
            answer = ConsoleAccessTest.browser().urlEncodingEnabled(false).get(answer.header("Location"));
        }
        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(answer.asString()).contains("Microsoft Entra answered &quot;access_denied&quot;: The user cancelled");
        assertThat(landing.cookies().get(ConsoleSessions.COOKIE)).isNull();
    }
}
