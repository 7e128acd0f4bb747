package io.amlrouter.console;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.amlrouter.ledger.EventRecord;
import io.amlrouter.ledger.OutcomeLedger;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.config.RedirectConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * The console's access rules through HTTP, as a browser meets them: redirect to the sign-in page without a session,
 * the session cookie's attributes, no session for a wrong key, 403 for a form without its CSRF token, and the
 * security headers.
 */
@QuarkusTest
class ConsoleAccessTest {

    static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    @Inject
    OutcomeLedger ledger;

    static RequestSpecification browser() {
        return given().config(RestAssuredConfig.config().redirect(RedirectConfig.redirectConfig().followRedirects(false)));
    }

    /** Signs in with the test admin key; answers the session cookie's value. */
    static String signIn() {
        return browser().contentType("application/x-www-form-urlencoded").formParam("key", "test-admin-key")
                .post("/console/login").then().statusCode(303).extract().cookie(ConsoleSessions.COOKIE);
    }

    static String csrfOf(String cookie) {
        String html = browser().cookie(ConsoleSessions.COOKIE, cookie).get("/console/rules").then().statusCode(200)
                .extract().asString();
        Matcher m = CSRF.matcher(html);
        assertThat(m.find()).as("a CSRF field on the page").isTrue();
        return m.group(1);
    }

    @Test
    void everyPageWithoutASessionSendsTheBrowserToTheSignInPage() {
        for (String path : List.of("/console", "/console/rules", "/console/dry-run", "/console/dead-letters",
                "/console/events/x")) {
            browser().get(path).then().statusCode(303).header("Location", endsWith("/console/login"));
            browser().cookie(ConsoleSessions.COOKIE, "forged.value").get(path).then().statusCode(303);
        }
        browser().get("/console/login").then().statusCode(200).contentType(containsString("text/html"))
                .body(containsString("<label for=\"key\">Admin key</label>"));
    }

    @Test
    void withoutEntraConfiguredOnlyKeysSignInAndNoOidcPathAnswers() {
        browser().get("/console/login").then().statusCode(200).body(not(containsString("Sign in with Microsoft")))
                .body(not(containsString("/console/entra/")));
        // No challenge, no redirect to an OIDC server: the path is not there.
        browser().get("/console/entra/sign-in").then().statusCode(404).header("Location", nullValue())
                .body(containsString("not configured"));
    }

    @Test
    void anAdminKeyOpensASessionWithAnHttpOnlySameSiteStrictCookie() {
        Response r = browser().contentType("application/x-www-form-urlencoded").formParam("key", "test-admin-key")
                .post("/console/login");
        assertThat(r.statusCode()).isEqualTo(303);
        assertThat(r.header("Location")).endsWith("/console");
        String setCookie = r.header("Set-Cookie");
        assertThat(setCookie).startsWith(ConsoleSessions.COOKIE + "=").contains("HttpOnly").containsIgnoringCase(
                "SameSite=Strict").contains("Path=/console").contains("Max-Age=28800");
        // Plain HTTP here: Secure would keep the browser from sending it back (docs/console.md, console.session.force-secure).
        assertThat(setCookie).doesNotContainIgnoringCase("Secure;").doesNotEndWithIgnoringCase("Secure");
        browser().cookie(ConsoleSessions.COOKIE, r.cookie(ConsoleSessions.COOKIE)).get("/console").then()
                .statusCode(200).body(containsString("<h1>Events</h1>"));
    }

    @Test
    void aWrongKeyGetsTheSignInPageAgainAndNoSession() {
        for (String key : List.of("wrong", "test-key-1", "", "test-admin-key-")) {
            browser().contentType("application/x-www-form-urlencoded").formParam("key", key).post("/console/login")
                    .then().statusCode(401).header("Set-Cookie", nullValue()).contentType(containsString("text/html"))
                    .body(containsString("role=\"alert\""));
        }
    }

    @Test
    void aFormWithoutItsSessionsCsrfTokenIsRefusedWith403() {
        String cookie = signIn();
        String other = csrfOf(signIn());
        String own = csrfOf(cookie);
        assertThat(own).isNotEqualTo(other);
        for (String path : List.of("/console/events/no-such-event/replay", "/console/dry-run", "/console/logout")) {
            browser().cookie(ConsoleSessions.COOKIE, cookie).contentType("application/x-www-form-urlencoded")
                    .formParam("sample", "RunCompleted.json").post(path).then().statusCode(403)
                    .body(containsString("Nothing was changed"));
            browser().cookie(ConsoleSessions.COOKIE, cookie).contentType("application/x-www-form-urlencoded")
                    .formParam("csrf", other).formParam("sample", "RunCompleted.json").post(path).then().statusCode(403);
            browser().contentType("application/x-www-form-urlencoded").formParam("csrf", own)
                    .formParam("sample", "RunCompleted.json").post(path).then().statusCode(403);
        }
        // with the token the same forms go through
        browser().cookie(ConsoleSessions.COOKIE, cookie).contentType("application/x-www-form-urlencoded")
                .formParam("csrf", own).formParam("sample", "RunCompleted.json").post("/console/dry-run").then()
                .statusCode(200).body(containsString("mail-completed-retraining"));
        browser().cookie(ConsoleSessions.COOKIE, cookie).contentType("application/x-www-form-urlencoded")
                .formParam("csrf", own).post("/console/events/no-such-event/replay").then().statusCode(404);
    }

    @Test
    void aFilterTheSearchDoesNotKnowIsAnErrorNotIgnored() {
        String cookie = signIn();
        browser().cookie(ConsoleSessions.COOKIE, cookie).queryParam("runid", "x").get("/console").then().statusCode(400)
                .body(containsString("runid: not a filter of this page"));
        browser().cookie(ConsoleSessions.COOKIE, cookie).queryParam("outcome", "lost").queryParam("from", "yesterday")
                .get("/console").then().statusCode(400).body(containsString("outcome: not one of matched, unmatched"))
                .body(containsString("from: not a time"));
    }

    @Test
    void logoutEndsTheSession() {
        String cookie = signIn();
        String csrf = csrfOf(cookie);
        browser().cookie(ConsoleSessions.COOKIE, cookie).contentType("application/x-www-form-urlencoded")
                .formParam("csrf", csrf).post("/console/logout").then().statusCode(303)
                .header("Location", endsWith("/console/login")).header("Set-Cookie", containsString("Max-Age=0"));
        browser().cookie(ConsoleSessions.COOKIE, cookie).get("/console").then().statusCode(303);
    }

    @Test
    void everyConsoleAnswerCarriesAStrictContentSecurityPolicy() {
        String cookie = signIn();
        for (Response r : List.of(browser().get("/console/login"), browser().get("/console"),
                browser().cookie(ConsoleSessions.COOKIE, cookie).get("/console"),
                browser().cookie(ConsoleSessions.COOKIE, cookie).get("/console/rules"),
                browser().get("/console/static/console.js"), browser().get("/console/static/console.css"))) {
            r.then().header("Content-Security-Policy", equalTo(ConsoleHeaders.CSP))
                    .header("X-Frame-Options", "DENY").header("X-Content-Type-Options", "nosniff")
                    .header("Referrer-Policy", "same-origin");
        }
        assertThat(ConsoleHeaders.CSP).contains("default-src 'none'", "script-src 'self'", "style-src 'self'",
                "frame-ancestors 'none'").doesNotContain("unsafe");
        // no inline script or style in the pages themselves
        String page = browser().cookie(ConsoleSessions.COOKIE, cookie).get("/console").asString();
        assertThat(page).doesNotContain("<script>").doesNotContain("style=").doesNotContain("<style");
        // the JSON API keeps its own headers (and its bearer authentication)
        given().get("/rules").then().statusCode(401).header("Content-Security-Policy", nullValue());
    }

    @Test
    void eventDataIsEscapedOnThePages() {
        String id = "console-escape-" + System.nanoTime();
        Instant now = Instant.now();
        ledger.eventSeen(new EventRecord(id, "Microsoft.MachineLearningServices.RunCompleted",
                "experiments/<script>alert(1)</script>", "topic", now, now, 1, List.of(), "no-rule-matched",
                "{\"id\":\"" + id + "\",\"subject\":\"<img src=x onerror=alert(1)>\"}")).await().indefinitely();
        String cookie = signIn();
        String list = browser().cookie(ConsoleSessions.COOKIE, cookie).get("/console").asString();
        assertThat(list).contains("experiments/&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>alert");
        browser().cookie(ConsoleSessions.COOKIE, cookie).get("/console/events/" + id).then().statusCode(200)
                .body(containsString("&lt;img src=x onerror=alert(1)&gt;"), not(containsString("<img src=x")));
    }
}
