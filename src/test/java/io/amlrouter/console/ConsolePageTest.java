package io.amlrouter.console;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.amlrouter.support.ActionTestSupport.awaitState;
import static io.amlrouter.support.ActionTestSupport.key;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.amlrouter.ledger.ActionState;
import io.amlrouter.ledger.OutcomeLedger;
import io.amlrouter.support.ActionTestSupport;
import io.amlrouter.support.EventFixtures;
import io.amlrouter.support.Events;
import io.amlrouter.support.WireMockResource;
import io.amlrouter.support.WireMockStubs;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The console as an on-call person uses it, in a real browser driven by Selenium: HtmlUnit in every build, headless
 * Chromium with {@code -Dconsole-tests.browser=chromium} (.ci/run). Sign in; find an unmatched event from its run id alone
 * and read why no rule matched it; replay a dead letter once its receiver is fixed; run the dry-run form.
 */
@QuarkusTest
class ConsolePageTest {

    static Browser browser;

    @TestHTTPResource("/")
    URL base;

    @Inject
    OutcomeLedger ledger;

    final WireMockStubs stubs = new WireMockStubs(WireMockResource.server());

    @BeforeEach
    void openBrowser() {
        if (browser == null) {
            browser = Browser.open();
        }
        browser.driver.manage().deleteAllCookies();
    }

    @AfterEach
    void removeStubs() {
        stubs.removeAll();
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.close();
            browser = null;
        }
    }

    String url(String path) {
        return base.toString().replaceAll("/$", "") + path;
    }

    void signIn() {
        browser.go(url("/console"));
        assertThat(browser.heading()).isEqualTo("Sign in");
        browser.type("Admin key", "test-admin-key");
        browser.press("Sign in");
        assertThat(browser.heading()).isEqualTo("Events");
    }

    @Test
    void signingInTakesAnAdminKey() {
        browser.go(url("/console/rules"));
        assertThat(browser.driver.getCurrentUrl()).endsWith("/console/login");
        browser.type("Admin key", "not-the-key");
        browser.press("Sign in");
        assertThat(browser.heading()).isEqualTo("Sign in");
        assertThat(browser.driver.findElement(By.cssSelector("[role=alert]")).getText())
                .contains("That key is not an admin key");
        browser.keep("sign-in-refused");
        browser.type("Admin key", "test-admin-key");
        browser.press("Sign in");
        assertThat(browser.heading()).isEqualTo("Events");
        browser.follow("Rules");
        assertThat(browser.heading()).isEqualTo("Rules");
        assertThat(browser.row("table.rules", "mail-failed-runs")).hasSize(5);
        browser.keep("rules");
        browser.press("Sign out");
        assertThat(browser.heading()).isEqualTo("Sign in");
        browser.go(url("/console"));
        assertThat(browser.heading()).isEqualTo("Sign in");
    }

    @Test
    void anUnmatchedEventIsFoundByItsRunIdAloneAndSaysWhy() {
        // A run that is still running: "mail-failed-runs" only mails Failed and Canceled runs.
        String run = "AutoML_" + UUID.randomUUID();
        ObjectNode event = EventFixtures.fresh("eventgrid/RunStatusChanged.json");
        ObjectNode data = EventFixtures.data(event);
        data.put("runId", run);
        data.put("runStatus", "Running");
        event.put("subject", "experiments/" + data.get("experimentId").asText() + "/runs/" + run);
        Events.Delivery d = Events.of(event);
        given().queryParam("key", "test-key-1").contentType("application/json; charset=utf-8").body(d.body())
                .post("/events").then().statusCode(200).body("events[0].state", equalTo("done"));

        signIn();
        browser.type("Run id", run);
        browser.press("Search");
        List<WebElement> rows = browser.driver.findElements(By.cssSelector("table.events tbody tr"));
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).getText()).contains("unmatched: no rule matched").contains(run);
        browser.keep("search-by-run-id");
        rows.get(0).findElement(By.cssSelector("a.event-link")).click();

        assertThat(browser.heading()).isEqualTo("Event " + d.id());
        assertThat(browser.driver.findElement(By.id("event-outcome")).getText()).isEqualTo("unmatched: no rule matched");
        assertThat(browser.driver.findElement(By.tagName("main")).getText())
                .contains("Recorded when the event was routed, by the rules of version sha256:");
        List<String> why = browser.row("table.verdicts", "mail-failed-runs");
        assertThat(why.get(1)).isEqualTo("not matched");
        assertThat(why.get(2)).isEqualTo("data.runStatus is \"Running\", which is not one of [Failed, Canceled] "
                + "(StringIn compares case-insensitively)");
        assertThat(why.get(3)).isEqualTo("advancedFilters[0]");
        // a rule of another event type: its reason is filled in by the console
        assertThat(browser.row("table.verdicts", "mail-drift").get(2)).isEqualTo("event type "
                + "\"Microsoft.MachineLearningServices.RunStatusChanged\" is not one of "
                + "[Microsoft.MachineLearningServices.DatasetDriftDetected] (compared case-insensitively)");
        assertThat(browser.driver.findElement(By.cssSelector("pre.payload")).getText()).contains("\"runStatus\" : \"Running\"");
        assertThat(browser.driver.findElement(By.linkText("Run in Azure ML studio")).getAttribute("href"))
                .startsWith("https://ml.azure.com/runs/" + run + "?wsid=");
        browser.keep("why-unmatched");
    }

    /**
     * The "done when": why a given run's failure did not mail, from the run id alone. The run failed and
     * "mail-failed-runs" matched it, but a silence held its mail: the list and the event say so, and name the silence.
     */
    @Test
    void aFailedRunThatDidNotMailIsFoundByItsRunIdAndTheSilenceThatHeldItIsShown() {
        String run = "train_" + UUID.randomUUID();
        String comment = "GPU quota maintenance " + UUID.randomUUID();
        String silence = given().header("Authorization", "Bearer test-admin-key").contentType("application/json")
                .body("""
                        {"filter": {"subjectEndsWith": "/runs/%s"}, "endsAt": "%s", "comment": "%s",
                         "createdBy": "oncall@contoso.com"}
                        """.formatted(run, java.time.Instant.now().plus(Duration.ofHours(1)), comment))
                .post("/silences").then().statusCode(201).extract().path("id");
        ObjectNode event = EventFixtures.fresh("eventgrid/RunStatusChanged.json");
        ObjectNode data = EventFixtures.data(event);
        data.put("runId", run);
        data.put("runStatus", "Failed");
        event.put("subject", "experiments/" + data.get("experimentId").asText() + "/runs/" + run);
        Events.Delivery d = Events.of(event);
        given().queryParam("key", "test-key-1").contentType("application/json; charset=utf-8").body(d.body())
                .post("/events").then().statusCode(200);
        try {
            signIn();
            browser.type("Run id", run);
            browser.press("Search");
            List<WebElement> rows = browser.driver.findElements(By.cssSelector("table.events tbody tr"));
            assertThat(rows).hasSize(1);
            assertThat(rows.get(0).getText()).contains("matched: silenced by " + silence).contains(run);
            browser.keep("search-failed-run");
            browser.follow(rows.get(0).findElement(By.cssSelector("a.event-link")).getText());

            assertThat(browser.heading()).isEqualTo("Event " + d.id());
            assertThat(browser.driver.findElement(By.id("event-outcome")).getText())
                    .isEqualTo("matched: silenced by " + silence);
            assertThat(browser.row("table.verdicts", "mail-failed-runs").get(1)).isEqualTo("matched");
            assertThat(browser.driver.findElement(By.id("no-actions")).getText()).isEqualTo("No action was run for "
                    + "this event: the silence " + silence + " stopped its actions.");
            browser.keep("why-no-mail");
            browser.follow(silence);
            assertThat(browser.heading()).isEqualTo("Silences");
            assertThat(browser.driver.findElement(By.id("silence-" + silence)).getText()).contains(comment)
                    .contains("oncall@contoso.com");
        } finally {
            given().header("Authorization", "Bearer test-admin-key").delete("/silences/" + silence).then()
                    .statusCode(200);
        }
    }

    @Test
    void aDeadLetterIsReplayedOnceItsReceiverIsFixed() {
        // The chat webhook refuses the post (400): the action is dead-lettered.
        ObjectNode event = ActionTestSupport.runCompleted("webhook");
        String run = event.at("/data/runId").asText();
        String id = event.get("id").asText();
        stubs.add(post(urlPathEqualTo("/hooks/teams")).withRequestBody(containing(run))
                .willReturn(aResponse().withStatus(400).withBody("bad card")));
        ActionTestSupport.deliver(event).statusCode(200);
        awaitState(ledger, key(event, "test-webhook", 0), ActionState.FAILED, Duration.ofSeconds(10));

        signIn();
        browser.follow("Dead letters");
        assertThat(browser.heading()).isEqualTo("Dead letters");
        WebElement row = browser.driver.findElements(By.cssSelector("table.dead-letters tbody tr")).stream()
                .filter(r -> r.getText().contains(id)).findFirst().orElseThrow();
        assertThat(row.getText()).contains("test-webhook").contains("webhook").contains("HTTP 400");
        browser.keep("dead-letters");

        // The receiver is fixed; the replay button runs the action again.
        stubs.removeAll();
        stubs.add(post(urlPathEqualTo("/hooks/teams")).withRequestBody(containing(run)).willReturn(ok()));
        Browser.button(row.findElements(By.tagName("button")), "Replay").click();

        assertThat(browser.heading()).isEqualTo("Event " + id);
        assertThat(browser.driver.findElement(By.id("replay-result")).getText())
                .contains("1 dead-lettered action(s) reopened").contains("result: done");
        List<String> action = browser.row("table.actions", "test-webhook");
        assertThat(action.get(3)).isEqualTo("succeeded");
        assertThat(action.get(4)).isEqualTo("2");
        browser.keep("replayed");
        awaitState(ledger, key(event, "test-webhook", 0), ActionState.SUCCEEDED, Duration.ofSeconds(5));
    }

    @Test
    void theDryRunFormShowsEachRulesVerdictAndTheRenderedActions() {
        signIn();
        browser.follow("Dry run");
        browser.choose("Sample event", "Model registered: stage=approved");
        browser.press("Evaluate");
        assertThat(browser.row("table.verdicts", "announce-approved-models").get(1)).isEqualTo("matched");
        WebElement matched = browser.driver.findElements(By.cssSelector("table.verdicts tbody tr")).stream()
                .filter(r -> r.getText().startsWith("announce-approved-models")).findFirst().orElseThrow();
        matched.findElement(By.tagName("summary")).click();
        assertThat(matched.findElement(By.tagName("pre")).getText()).contains("\"to\" : [ \"mlops@contoso.com\" ]");
        assertThat(browser.row("table.verdicts", "mail-failed-runs").get(2))
                .isEqualTo("event type \"Microsoft.MachineLearningServices.ModelRegistered\" is not one of "
                        + "[Microsoft.MachineLearningServices.RunStatusChanged] (compared case-insensitively)");
        browser.keep("dry-run-sample");

        // A pasted event is used instead of the sample: the candidate model is not announced, and the page says why.
        browser.type("Event JSON", EventFixtures.delivery(EventFixtures.fresh("eventgrid/ModelRegistered.json")));
        browser.press("Evaluate");
        assertThat(browser.row("table.verdicts", "announce-approved-models"))
                .containsExactly("announce-approved-models", "not matched",
                        "data.modelTags.stage is \"candidate\", which is not one of [approved] "
                                + "(StringIn compares case-insensitively)");
        browser.keep("dry-run-pasted");
    }

    WebElement silenceRow(String comment) {
        return browser.driver.findElements(By.cssSelector("table.silences tbody tr")).stream()
                .filter(r -> r.getText().contains(comment)).findFirst()
                .orElseThrow(() -> new AssertionError("no silence \"" + comment + "\" on " + browser.driver
                        .getCurrentUrl() + "\n" + browser.driver.getPageSource()));
    }

    @Test
    void aSilenceIsCreatedInTheFormListedAndExpired() {
        signIn();
        browser.follow("Silences");
        assertThat(browser.heading()).isEqualTo("Silences");
        String comment = "page test " + UUID.randomUUID();
        browser.type("Filter", "{\"subjectBeginsWith\": \"experiments/page-test/\"}");
        browser.type("Ends at", java.time.Instant.now().plus(Duration.ofHours(2)).toString());
        browser.type("Comment", comment);
        browser.press("Create silence");

        assertThat(browser.heading()).isEqualTo("Silences");
        WebElement row = silenceRow(comment);
        List<String> cells = row.findElements(By.cssSelector("th,td")).stream().map(c -> c.getText().trim()).toList();
        String id = cells.get(0);
        assertThat(cells.get(1)).isEqualTo("active: silencing now");
        assertThat(cells.get(2)).isEqualTo("api");
        assertThat(cells.get(3)).contains("experiments/page-test/");
        assertThat(cells.get(7)).isEqualTo("console");
        browser.keep("silence-created");
        given().header("Authorization", "Bearer test-admin-key").get("/silences/" + id).then().statusCode(200)
                .body("status", equalTo("active"));

        Browser.button(row.findElements(By.tagName("button")), "Expire now").click();
        assertThat(browser.heading()).isEqualTo("Silences");
        assertThat(silenceRow(comment).findElements(By.cssSelector("td")).get(0).getText().trim())
                .isEqualTo("expired: ended");
        assertThat(silenceRow(comment).findElements(By.tagName("button"))).isEmpty();
        browser.keep("silence-expired");
        browser.follow("Hide ended silences");
        assertThat(browser.driver.findElement(By.tagName("main")).getText()).doesNotContain(comment);
        given().header("Authorization", "Bearer test-admin-key").get("/silences/" + id).then().statusCode(200)
                .body("status", equalTo("expired"));
    }
}
