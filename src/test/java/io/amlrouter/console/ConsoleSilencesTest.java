package io.amlrouter.console;

import static io.amlrouter.console.ConsoleAccessTest.browser;
import static io.amlrouter.console.ConsoleAccessTest.csrfOf;
import static io.amlrouter.console.ConsoleAccessTest.signIn;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;

/**
 * The console's silences page through HTTP, as a browser meets it: it lists the silences of the admin API, its form
 * creates one through the same checks as {@code POST /silences} (a bad one shows the field's error and creates
 * nothing), "Expire now" ends one, and every POST needs the session's CSRF token.
 */
@QuarkusTest
class ConsoleSilencesTest {

    static final String ADMIN = "Bearer test-admin-key";

    static List<String> apiComments() {
        return given().header("Authorization", ADMIN).queryParam("expired", true).get("/silences").then()
                .statusCode(200).extract().path("silences.comment");
    }

    static RequestSpecification form(String cookie) {
        return browser().cookie(ConsoleSessions.COOKIE, cookie).contentType("application/x-www-form-urlencoded");
    }

    @Test
    void thePageListsASilenceCreatedThroughTheAdminApi() {
        String subject = "experiments/api-" + UUID.randomUUID() + "/";
        String id = given().header("Authorization", ADMIN).contentType("application/json").body("""
                {"filter": {"subjectBeginsWith": "%s"}, "endsAt": "%s",
                 "comment": "maintenance <b>window</b>", "createdBy": "ConsoleSilencesTest"}
                """.formatted(subject, Instant.now().plusSeconds(3600))).post("/silences").then().statusCode(201)
                .extract().path("id");
        browser().get("/console/silences").then().statusCode(303).header("Location", endsWith("/console/login"));
        String cookie = signIn();
        String html = browser().cookie(ConsoleSessions.COOKIE, cookie).get("/console/silences").then().statusCode(200)
                .contentType(containsString("text/html")).extract().asString();
        assertThat(html).contains("<th scope=\"row\">" + id + "</th>").contains("active: silencing now")
                .contains(subject).contains("ConsoleSilencesTest")
                // escaped, never markup
                .contains("maintenance &lt;b&gt;window&lt;/b&gt;").doesNotContain("<b>window</b>")
                .contains("<a href=\"/console/silences\" aria-current=\"page\">Silences</a>")
                .contains("action=\"/console/silences/" + id + "/expire\"");
    }

    @Test
    void theFormCreatesASilenceTheAdminApiListsAndExpireNowEndsIt() {
        String cookie = signIn();
        String csrf = csrfOf(cookie);
        String comment = "console form " + UUID.randomUUID();
        form(cookie).formParam("csrf", csrf)
                .formParam("filter", "{\"subjectBeginsWith\": \"experiments/console-form/\"}")
                .formParam("startsAt", "").formParam("endsAt", Instant.now().plusSeconds(3600).toString())
                .formParam("comment", comment).post("/console/silences").then().statusCode(303)
                .header("Location", endsWith("/console/silences"));
        List<java.util.Map<String, Object>> all = given().header("Authorization", ADMIN).get("/silences").then()
                .statusCode(200).body("silences.comment", hasItem(comment)).extract().path("silences");
        java.util.Map<String, Object> created = all.stream().filter(s -> comment.equals(s.get("comment"))).findFirst()
                .orElseThrow();
        assertThat(created).containsEntry("createdBy", "console").containsEntry("status", "active")
                .containsEntry("origin", "api");
        String id = (String) created.get("id");
        browser().cookie(ConsoleSessions.COOKIE, cookie).get("/console/silences").then().statusCode(200)
                .body(containsString(comment));

        form(cookie).formParam("csrf", csrf).post("/console/silences/" + id + "/expire").then().statusCode(303);
        given().header("Authorization", ADMIN).get("/silences/" + id).then().statusCode(200)
                .body("status", equalTo("expired"));
        // ended: gone from the default list, shown behind the toggle, without a button
        browser().cookie(ConsoleSessions.COOKIE, cookie).get("/console/silences").then().statusCode(200)
                .body(not(containsString(comment)));
        String ended = browser().cookie(ConsoleSessions.COOKIE, cookie).queryParam("ended", true)
                .get("/console/silences").then().statusCode(200).extract().asString();
        assertThat(ended).contains(comment).contains("expired: ended")
                .doesNotContain("action=\"/console/silences/" + id + "/expire\"");
        form(cookie).formParam("csrf", csrf).post("/console/silences/" + UUID.randomUUID() + "/expire").then()
                .statusCode(404);
    }

    @Test
    void aPostWithoutTheSessionsCsrfTokenIsRefusedAndChangesNothing() {
        String cookie = signIn();
        String other = csrfOf(signIn());
        String own = csrfOf(cookie);
        String comment = "no csrf " + UUID.randomUUID();
        String ends = Instant.now().plusSeconds(3600).toString();
        for (String token : new String[] {null, other}) {
            RequestSpecification r = form(cookie).formParam("filter", "{\"subjectBeginsWith\": \"x/\"}")
                    .formParam("endsAt", ends).formParam("comment", comment);
            if (token != null) {
                r.formParam("csrf", token);
            }
            r.post("/console/silences").then().statusCode(403).body(containsString("Nothing was changed"));
        }
        browser().contentType("application/x-www-form-urlencoded").formParam("csrf", own)
                .formParam("filter", "{\"subjectBeginsWith\": \"x/\"}").formParam("endsAt", ends)
                .formParam("comment", comment).post("/console/silences").then().statusCode(403);
        assertThat(apiComments()).doesNotContain(comment);

        String id = given().header("Authorization", ADMIN).contentType("application/json").body("""
                {"filter": {"subjectBeginsWith": "experiments/csrf/"}, "endsAt": "%s", "comment": "c", "createdBy": "t"}
                """.formatted(ends)).post("/silences").then().statusCode(201).extract().path("id");
        form(cookie).post("/console/silences/" + id + "/expire").then().statusCode(403);
        form(cookie).formParam("csrf", other).post("/console/silences/" + id + "/expire").then().statusCode(403);
        given().header("Authorization", ADMIN).get("/silences/" + id).then().statusCode(200)
                .body("status", equalTo("active"));
    }

    @Test
    void aBadFilterShowsTheFieldsErrorAndCreatesNothing() {
        String cookie = signIn();
        String csrf = csrfOf(cookie);
        String ends = Instant.now().plusSeconds(3600).toString();
        String comment = "bad " + UUID.randomUUID();
        // not JSON
        form(cookie).formParam("csrf", csrf).formParam("filter", "{subjectBeginsWith").formParam("endsAt", ends)
                .formParam("comment", comment).post("/console/silences").then().statusCode(400)
                .body(containsString("id=\"filter-errors\"")).body(containsString("is not JSON"))
                .body(containsString("aria-invalid=\"true\""));
        // JSON, but not a filter the rules accept (the same check as POST /silences)
        String apiError = given().header("Authorization", ADMIN).contentType("application/json").body("""
                {"filter": {"subjectBeginsWith": "x/", "noSuchKey": 1}, "endsAt": "%s", "comment": "c", "createdBy": "t"}
                """.formatted(ends)).post("/silences").then().statusCode(400).extract().path("errors[0].field");
        assertThat(apiError).startsWith("filter");
        String html = form(cookie).formParam("csrf", csrf)
                .formParam("filter", "{\"subjectBeginsWith\": \"x/\", \"noSuchKey\": 1}").formParam("endsAt", ends)
                .formParam("comment", comment).post("/console/silences").then().statusCode(400).extract().asString();
        assertThat(html).contains("id=\"filter-errors\"").contains(apiError).contains("noSuchKey")
                .contains("role=\"alert\"");
        // an end in the past: the endsAt field's error, and what was typed is kept
        form(cookie).formParam("csrf", csrf).formParam("filter", "{\"subjectBeginsWith\": \"x/\"}")
                .formParam("endsAt", "2001-01-01T00:00:00Z").formParam("comment", comment).post("/console/silences")
                .then().statusCode(400).body(containsString("id=\"endsAt-errors\""))
                .body(containsString("value=\"2001-01-01T00:00:00Z\""));
        assertThat(apiComments()).doesNotContain(comment);
    }
}
