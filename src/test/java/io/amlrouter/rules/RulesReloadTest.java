package io.amlrouter.rules;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.amlrouter.support.EventFixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.specification.RequestSpecification;

/**
 * Hot reload of a rules file mounted the way Kubernetes mounts a ConfigMap volume: {@code rules.yaml}
 * is a symlink to {@code ..data/rules.yaml}, and an update swaps the {@code ..data} symlink to a new
 * timestamped directory. Its own profile: it needs a rules file it can change.
 */
@QuarkusTest
@TestProfile(RulesReloadTest.ConfigMapVolume.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RulesReloadTest {

    static final Path DIR = createVolume();
    static final AtomicInteger GENERATION = new AtomicInteger();

    public static class ConfigMapVolume implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("rules.path", DIR.resolve("rules.yaml").toString(), "rules.reload.poll-interval", "500ms");
        }
    }

    static String rules(String... names) {
        StringBuilder yaml = new StringBuilder("rules:\n");
        for (String name : names) {
            yaml.append("  - name: ").append(name).append('\n')
                    .append("    actions: [ { email: { to: [mlops@contoso.com], template: generic } } ]\n");
        }
        return yaml.toString();
    }

    /** One volume per JVM: the profile and the test instance live in different class loaders. */
    static synchronized Path createVolume() {
        String existing = System.getProperty("aml-event-router.test.configmap-dir");
        if (existing != null) {
            return Path.of(existing);
        }
        try {
            Path dir = Files.createTempDirectory("configmap");
            System.setProperty("aml-event-router.test.configmap-dir", dir.toString());
            Path first = dir.resolve("..2026_11_21_00_00_00.0");
            Files.createDirectory(first);
            Files.writeString(first.resolve("rules.yaml"), rules("first-rule"));
            Files.createSymbolicLink(dir.resolve("..data"), first.getFileName());
            Files.createSymbolicLink(dir.resolve("rules.yaml"), Path.of("..data", "rules.yaml"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the kubelet does on a ConfigMap update: new directory, new symlink, atomic rename over ..data. */
    static void kubeletUpdate(String content) throws IOException {
        Path next = DIR.resolve("..2026_11_21_00_00_0" + GENERATION.incrementAndGet() + ".0");
        Files.createDirectory(next);
        Files.writeString(next.resolve("rules.yaml"), content);
        Path tmp = DIR.resolve("..data_tmp");
        Files.createSymbolicLink(tmp, next.getFileName());
        Files.move(tmp, DIR.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    static RequestSpecification admin() {
        return given().header("Authorization", "Bearer test-admin-key");
    }

    static List<String> ruleNames() {
        return admin().get("/rules").then().statusCode(200).extract().jsonPath().getList("rules.name");
    }

    @Test
    @Order(1)
    void startsWithTheMountedFile() {
        admin().get("/rules").then().statusCode(200).body("rules.name", contains("first-rule"))
                .body("source", equalTo(DIR.resolve("rules.yaml").toString()));
    }

    @Test
    @Order(2)
    void aConfigMapUpdateSwapsTheRulesAtomically() throws IOException {
        double loadedAtStart = lastSuccessfulReload();
        assertThat(loadedAtStart).as("the startup load sets the timestamp").isPositive()
                .isLessThanOrEqualTo(System.currentTimeMillis() / 1000.0);
        kubeletUpdate(rules("second-rule", "another-rule"));
        await().atMost(Duration.ofSeconds(10)).until(() -> ruleNames().equals(List.of("second-rule", "another-rule")));
        assertThat(lastSuccessfulReload()).as("a successful reload advances the timestamp").isGreaterThan(loadedAtStart);
    }

    @Test
    @Order(3)
    void anInvalidUpdateIsRefusedAndTheLastGoodRulesStay() throws IOException {
        String version = admin().get("/rules").then().extract().path("version");
        double lastSuccess = lastSuccessfulReload();
        kubeletUpdate(rules("Bad_Name") + "  - name: no-actions\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> admin().get("/rules").then().extract()
                .path("lastReloadError") != null);
        admin().get("/rules").then().statusCode(200)
                .body("version", equalTo(version))
                .body("rules.name", contains("second-rule", "another-rule"))
                .body("lastReloadError.errors", hasItem(containsString("rules[0].name: \"Bad_Name\" must be")))
                .body("lastReloadError.errors", hasItem("rules[1].actions: a rule needs at least one action"));
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'rules' }.data.lastReloadError", containsString("2 violation(s)"));
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("rules_reloads_total{result=\"failure\"} 1.0")
                .contains("rules_reloads_total{result=\"success\"} 1.0").contains("rules_last_reload_successful 0.0");
        assertThat(lastSuccessfulReload()).as("a refused change leaves the timestamp").isEqualTo(lastSuccess);
    }

    @Test
    @Order(4)
    void aFixedUpdateClearsTheErrorAndAnInPlaceWriteIsSeenToo() throws IOException {
        kubeletUpdate(rules("third-rule"));
        await().atMost(Duration.ofSeconds(10)).until(() -> ruleNames().equals(List.of("third-rule")));
        admin().get("/rules").then().body("lastReloadError", equalTo(null));
        // Not Kubernetes, but an editor: the file itself is rewritten.
        Path target = DIR.resolve("rules.yaml").toRealPath();
        Files.writeString(target, rules("edited-in-place"));
        await().atMost(Duration.ofSeconds(10)).until(() -> ruleNames().equals(List.of("edited-in-place")));
    }

    @Test
    @Order(5)
    void theMetricsOfARemovedRuleLeaveTheScrape() throws IOException {
        ObjectNode event = EventFixtures.fresh("eventgrid/ModelRegistered.json");
        given().queryParam("key", "test-key-1").contentType(EventFixtures.contentType(event))
                .body(EventFixtures.delivery(event)).post("/events")
                .then().statusCode(200).body("events[0].state", equalTo("done"));
        assertThat(metrics()).contains("rules_matches_total{rule=\"edited-in-place\"} 1.0")
                .contains("actions_attempts_total{kind=\"email\",rule=\"edited-in-place\"} 1.0");

        kubeletUpdate(rules("fifth-rule"));
        await().atMost(Duration.ofSeconds(10)).until(() -> ruleNames().equals(List.of("fifth-rule")));
        assertThat(metrics()).doesNotContain("rule=\"edited-in-place\"").contains("rules_reloads_total");
    }

    @Test
    @Order(6)
    void restoringTheActiveContentAfterARefusedChangeClearsTheError() throws IOException {
        String active = rules("fifth-rule");
        kubeletUpdate(rules("Bad_Name"));
        await().atMost(Duration.ofSeconds(10)).until(() -> admin().get("/rules").then().extract()
                .path("lastReloadError") != null);
        kubeletUpdate(active);
        await().atMost(Duration.ofSeconds(10)).until(() -> admin().get("/rules").then().extract()
                .path("lastReloadError") == null);
        admin().get("/rules").then().statusCode(200).body("rules.name", contains("fifth-rule"));
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'rules' }.data.lastReloadError", equalTo(null));
        assertThat(metrics()).contains("rules_last_reload_successful 1.0");
    }

    @Test
    @Order(7)
    void aRuleThatCanNeverMatchIsRefusedAndALikelyMistakeIsAWarningOnRules() throws IOException {
        String version = admin().get("/rules").then().extract().path("version");
        String email = "    actions: [ { email: { to: [mlops@contoso.com], template: generic } } ]\n";
        kubeletUpdate("rules:\n  - name: never-matches\n    filter:\n      includedEventTypes: [RunStatusChanged]\n" + email);
        await().atMost(Duration.ofSeconds(10)).until(() -> admin().get("/rules").then().extract()
                .path("lastReloadError") != null);
        admin().get("/rules").then().statusCode(200)
                .body("version", equalTo(version))
                .body("rules.name", contains("fifth-rule"))
                .body("lastReloadError.errors", contains("rules[0].filter.includedEventTypes[0]: \"RunStatusChanged\" is "
                        + "not a full event type name, so it never matches; did you mean "
                        + "\"Microsoft.MachineLearningServices.RunStatusChanged\"?"));

        kubeletUpdate("rules:\n  - name: likely-wrong\n    filter:\n"
                + "      includedEventTypes: [Microsoft.MachineLearningServices.RunStatusChanged]\n"
                + "      advancedFilters: [ { operatorType: StringIn, key: data.runStatus, values: [Failure] } ]\n" + email);
        await().atMost(Duration.ofSeconds(10)).until(() -> ruleNames().equals(List.of("likely-wrong")));
        admin().get("/rules").then().statusCode(200)
                .body("lastReloadError", equalTo(null))
                .body("warnings", contains("rules[0].filter.advancedFilters[0].values[0]: \"Failure\" is not a "
                        + "documented value of data.runStatus (NotStarted, Starting, Provisioning, Preparing, Queued, "
                        + "Running, Finalizing, CancelRequested, Completed, Failed, Canceled, NotResponding, Paused, "
                        + "Unknown); did you mean \"Failed\"?"));
    }

    /** {@code rules_last_reload_success_timestamp_seconds} from the scrape. */
    static double lastSuccessfulReload() {
        String name = "rules_last_reload_success_timestamp_seconds ";
        return metrics().lines().filter(l -> l.startsWith(name)).map(l -> Double.parseDouble(l.substring(name.length())))
                .findFirst().orElseThrow(() -> new AssertionError(name + "is not in the scrape"));
    }

    static String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }
}
