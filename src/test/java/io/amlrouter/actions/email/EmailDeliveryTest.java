package io.amlrouter.actions.email;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Message;


import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.amlrouter.actions.email.Mailbox.Received;
import io.amlrouter.events.MlEvent;
import io.amlrouter.ledger.ActionKey;
import io.amlrouter.ledger.ActionRecord;
import io.amlrouter.ledger.ActionState;
import io.amlrouter.ledger.OutcomeLedger;
import io.amlrouter.routing.EventBus;
import io.amlrouter.support.EventFixtures;
import io.amlrouter.support.GreenMailResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

/**
 * The {@code email} action end to end: fixture events posted to the webhook, rules from the test rules
 * file, mails read back from a real SMTP server (GreenMail), outcomes read from the ledger. Every event
 * gets a fresh id, so the ledger has never seen it.
 */
@QuarkusTest
class EmailDeliveryTest {

    static final String STUDIO = "https://ml.azure.com/runs/";
    static final String SENDER = "aml-event-router@contoso.com";

    @Inject
    OutcomeLedger ledger;

    @Inject
    EmailProcessor processor;

    @Inject
    Config config;

    @Inject
    EventBus bus;

    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    @AfterEach
    void restoreServer() {
        GreenMailResource.reset();
    }

    /** One rule sending one mail for one (varied) fixture. */
    record MailCase(String fixture, Consumer<ObjectNode> change, String rule, String subject, List<String> to,
            List<String> cc, List<String> content, boolean studioLink) {
    }

    static Stream<Named<MailCase>> templates() {
        return Stream.of(
                Named.of("run-status, failed run (Event Grid schema, rule subject)", new MailCase(
                        "eventgrid/RunStatusChanged.json", e -> {
                        }, "mail-failed-runs",
                        "Run AutoML_3c8e1f47-5b2a-4d9c-8e6f-1a0b7c4d2e95_7 Failed in fraud-automl-sweep",
                        List.of("mlops@contoso.com"), List.of("mlops-oncall@contoso.com"),
                        List.of("Run failed", "fraud-automl-sweep", "AutoML_3c8e1f47-5b2a-4d9c-8e6f-1a0b7c4d2e95_7",
                                "mlw-fraud-weu", "rg-mlops-prod", "2025-03-14T07:15:22.6630581+00:00", "Outputs + logs"),
                        true)),
                Named.of("run-status, canceled run with owner tag (CloudEvents, PascalCase)", new MailCase(
                        "cloudevents/RunStatusChanged.pascal.json", e -> {
                            EventFixtures.data(e).put("RunStatus", "Canceled");
                            EventFixtures.data(e).putObject("RunTags").put("owner", "dana.kim@contoso.com")
                                    .put("team", "fraud");
                        }, "mail-failed-runs",
                        "Run AutoML_3c8e1f47-5b2a-4d9c-8e6f-1a0b7c4d2e95_7 Canceled in fraud-automl-sweep",
                        List.of("mlops@contoso.com"), List.of("dana.kim@contoso.com"),
                        List.of("Run canceled", "fraud-automl-sweep", "owner", "dana.kim@contoso.com", "team", "fraud"),
                        true)),
                Named.of("run-completed (Event Grid schema)", new MailCase("eventgrid/RunCompleted.json", e -> {
                }, "mail-completed-retraining",
                        "[mlw-fraud-weu] Run quiet_lemon_7k2xq9vz4m completed in fraud-weekly-retrain",
                        List.of("mlops@contoso.com"), List.of(),
                        List.of("Run completed", "fraud-weekly-retrain", "quiet_lemon_7k2xq9vz4m", "trigger", "drift",
                                "dataset_version", "azureml.PipelineRun"),
                        true)),
                Named.of("run-completed (CloudEvents, PascalCase)", new MailCase("cloudevents/RunCompleted.pascal.json",
                        e -> {
                        }, "mail-completed-retraining",
                        "[mlw-fraud-weu] Run quiet_lemon_7k2xq9vz4m completed in fraud-weekly-retrain",
                        List.of("mlops@contoso.com"), List.of(), List.of("Run completed", "trigger", "drift"), true)),
                Named.of("drift (Event Grid schema, PascalCase)", new MailCase("eventgrid/DatasetDriftDetected.pascal.json",
                        e -> {
                        }, "mail-drift",
                        "[mlw-fraud-weu] Data drift 0.6281934407162297 detected by transactions-drift-monitor",
                        List.of("mlops@contoso.com"), List.of(),
                        List.of("Data drift detected", "transactions-drift-monitor", "0.6281934407162297",
                                "2025-03-07T00:00:00+00:00", "9a4f7e2c-1d8b-4c35-a6e0-f2b9d7c3e158"),
                        true)),
                Named.of("drift (CloudEvents)", new MailCase("cloudevents/DatasetDriftDetected.json", e -> {
                }, "mail-drift", "[mlw-fraud-weu] Data drift 0.6281934407162297 detected by transactions-drift-monitor",
                        List.of("mlops@contoso.com"), List.of(), List.of("Data drift detected"), true)),
                Named.of("model-registered (Event Grid schema)", new MailCase("eventgrid/ModelRegistered.json",
                        e -> ((ObjectNode) EventFixtures.data(e).get("modelTags")).put("stage", "approved"),
                        "announce-approved-models", "[mlw-fraud-weu] Model fraud-gbm version 14 registered",
                        List.of("mlops@contoso.com"), List.of(),
                        List.of("Model registered", "fraud-gbm", "stage", "approved", "trainingJob",
                                "quiet_lemon_7k2xq9vz4m"),
                        false)),
                Named.of("model-registered (CloudEvents, PascalCase, numeric version)", new MailCase(
                        "cloudevents/ModelRegistered.pascal.json",
                        e -> ((ObjectNode) EventFixtures.data(e).get("ModelTags")).put("stage", "approved"),
                        "announce-approved-models", "[mlw-fraud-weu] Model fraud-gbm version 14 registered",
                        List.of("mlops@contoso.com"), List.of(), List.of("Model registered", "fraud-gbm"), false)),
                Named.of("model-deployed (Event Grid schema, PascalCase)", new MailCase("eventgrid/ModelDeployed.pascal.json",
                        e -> {
                        }, "mail-model-deployed",
                        "[mlw-fraud-weu] fraud-gbm:14,fraud-calibrator:3 deployed to fraud-scorer-aks",
                        List.of("ml-platform@contoso.com"), List.of(),
                        List.of("Model deployed", "fraud-scorer-aks", "AKS", "owner", "risk-ml", "CHG-20817"), false)),
                Named.of("model-deployment, deployment requested (ModelRegistered)", new MailCase(
                        "eventgrid/ModelRegistered.json",
                        e -> ((ObjectNode) EventFixtures.data(e).get("modelTags")).put("stage", "production"),
                        "follow-production-deployments", "[mlw-fraud-weu] Deployment of model fraud-gbm:14 requested",
                        List.of("mlops@contoso.com"), List.of(), List.of("Deployment requested", "fraud-gbm", "14"),
                        false)),
                Named.of("model-deployment, deployment succeeded", new MailCase("synthetic/DeploymentSucceeded.json",
                        e -> {
                        }, "follow-production-deployments",
                        "[mlw-fraud-weu] Model azureml:fraud-gbm:15 deployed to fraud-scorer",
                        List.of("mlops@contoso.com"), List.of(),
                        List.of("Model deployed", "fraud-scorer", "fraud-gbm-v15", "Succeeded"), false)),
                Named.of("model-deployment, deployment failed", new MailCase("synthetic/DeploymentFailed.json", e -> {
                }, "follow-production-deployments",
                        "[mlw-fraud-weu] Model azureml:fraud-gbm:15 failed to deploy to fraud-scorer",
                        List.of("mlops@contoso.com"), List.of(),
                        List.of("Model deployment failed", "ResourceNotReady", "Liveness probe failed"), false)),
                Named.of("deployment-outcome, succeeded", new MailCase("synthetic/DeploymentSucceeded.json", e -> {
                }, "report-deployment-outcomes", "[mlw-fraud-weu] Deployment fraud-gbm-v15 to fraud-scorer succeeded",
                        List.of("ml-platform@contoso.com"), List.of(),
                        List.of("Deployment succeeded", "fraud-scorer", "fraud-gbm-v15", "azureml:fraud-gbm:15",
                                "mfeOperationsStatus", "deploy-approved-models"),
                        false)),
                Named.of("deployment-outcome, failed", new MailCase("synthetic/DeploymentFailed.json", e -> {
                }, "report-deployment-outcomes",
                        "[mlw-fraud-weu] Deployment fraud-gbm-v15 to fraud-scorer failed (ResourceNotReady)",
                        List.of("ml-platform@contoso.com"), List.of(),
                        List.of("Deployment failed", "ResourceNotReady", "Liveness probe failed",
                                "e4a1c9f0-2b7d-4e63-8a15-9c0d3f6b7e21"),
                        false)),
                Named.of("generic, any event of a run tagged notify=always", new MailCase(
                        "eventgrid/RunStatusChanged.json", e -> {
                            EventFixtures.data(e).put("runStatus", "Running");
                            EventFixtures.data(e).putObject("runTags").put("notify", "always");
                        }, "mail-runs-tagged-notify-always",
                        "[mlw-fraud-weu] Microsoft.MachineLearningServices.RunStatusChanged: "
                                + "experiments/7f3b2a90-c1d4-4e8f-a6b5-0d9e8c7f1a32/runs/AutoML_3c8e1f47-5b2a-4d9c-8e6f-1a0b7c4d2e95_7",
                        List.of("mlops@contoso.com"), List.of(),
                        List.of("Microsoft.MachineLearningServices.RunStatusChanged", "runStatus", "Running", "notify"),
                        true)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("templates")
    void eachBuiltInTemplateArrivesAsAReadableTwoPartMail(MailCase c) {
        ObjectNode event = EventFixtures.fresh(c.fixture());
        c.change().accept(event);
        String id = event.get("id").textValue();

        deliver(event);

        List<Received> copies = Mailbox.forEvent(id).stream().filter(r -> c.rule().equals(r.rule())).toList();
        int bcc = c.rule().equals("report-deployment-outcomes") ? 1 : 0;
        assertThat(copies).as("one copy per recipient").hasSize(c.to().size() + c.cc().size() + bcc);
        Received mail = copies.get(0);
        assertThat(copies).extracting(Received::messageId).containsOnly(mail.messageId());
        assertThat(mail.subject()).isEqualTo(c.subject());
        assertThat(mail.from()).isEqualTo(SENDER);
        assertThat(mail.to()).containsExactlyElementsOf(c.to());
        assertThat(mail.cc()).containsExactlyElementsOf(c.cc());
        assertThat(mail.autoSubmitted()).isEqualTo("auto-generated");
        assertThat(mail.contentType()).startsWith("multipart/alternative");
        assertThat(mail.text()).as("text part").isNotBlank().contains(id).contains(c.rule())
                .doesNotContain("<td", "{event.");
        assertThat(mail.text().toLowerCase()).as("text part").contains(c.content().stream().map(String::toLowerCase)
                .toList());
        assertThat(mail.html()).as("HTML part").isNotBlank().startsWith("<!DOCTYPE html>").contains(c.content())
                .contains(id).doesNotContain("<script", "<img", "<link", "{event.");
        if (c.studioLink()) {
            assertThat(mail.html()).contains("<a href=\"" + STUDIO);
            assertThat(mail.text()).contains(STUDIO);
        } else {
            assertThat(mail.html()).doesNotContain(STUDIO);
        }
        ActionRecord outcome = outcome(id, c.rule());
        assertThat(outcome.state()).isEqualTo(ActionState.SUCCEEDED);
        assertThat(outcome.externalId()).as("the ledger names the mail").isEqualTo(mail.messageId())
                .endsWith("@contoso.com>");
    }

    @Test
    void bccRecipientsGetACopyWithoutBeingNamedInTheHeaders() {
        ObjectNode event = EventFixtures.fresh("synthetic/DeploymentSucceeded.json");
        String id = event.get("id").textValue();
        deliver(event);
        List<Received> audit = Mailbox.inbox("ml-audit@contoso.com", id);
        assertThat(audit).singleElement().satisfies(r -> {
            assertThat(r.rule()).isEqualTo("report-deployment-outcomes");
            assertThat(r.header("Bcc")).isNull();
            assertThat(r.to()).containsExactly("ml-platform@contoso.com");
        });
    }

    @Test
    void aHeaderInjectionThroughATemplatedSubjectStaysInTheSubject() {
        ObjectNode event = EventFixtures.fresh("eventgrid/RunStatusChanged.json");
        EventFixtures.data(event).put("experimentName", "fraud\r\nBcc: attacker@evil.test\r\nX-Injected: yes");
        String id = event.get("id").textValue();

        post(event).statusCode(200).body("events[0].state", equalTo("done"));

        List<Received> copies = Mailbox.forEvent(id);
        assertThat(copies).hasSize(2).allSatisfy(r -> {
            assertThat(r.subject()).isEqualTo("Run AutoML_3c8e1f47-5b2a-4d9c-8e6f-1a0b7c4d2e95_7 Failed in "
                    + "fraud Bcc: attacker@evil.test X-Injected: yes");
            assertThat(r.header("X-Injected")).isNull();
            assertThat(r.header("Bcc")).isNull();
        });
        assertThat(Mailbox.inbox("mlops@contoso.com", id)).hasSize(1);
        assertThat(Mailbox.inbox("attacker@evil.test", id)).isEmpty();
    }

    @Test
    void aTagWithAnInvalidAddressIsLeftOutAndTheTeamStillGetsTheMail() {
        ObjectNode event = EventFixtures.fresh("eventgrid/RunStatusChanged.json");
        EventFixtures.data(event).putObject("runTags").put("owner", "dana.kim@contoso.com\r\nBcc: attacker@evil.test");
        String id = event.get("id").textValue();

        post(event).statusCode(200).body("events[0].state", equalTo("done"));

        // The static recipient gets the mail; the injected address goes nowhere and is not in the headers.
        assertThat(Mailbox.inbox("mlops@contoso.com", id)).singleElement().satisfies(r -> {
            assertThat(r.cc()).isEmpty();
            assertThat(r.header("Bcc")).isNull();
        });
        assertThat(Mailbox.inbox("attacker@evil.test", id)).isEmpty();
        assertThat(Mailbox.inbox("dana.kim@contoso.com", id)).isEmpty();
        ActionRecord outcome = outcome(id, "mail-failed-runs");
        assertThat(outcome.state()).isEqualTo(ActionState.SUCCEEDED);
        assertThat(outcome.detail()).isEqualTo("sent to 1 recipient(s); left out 1: cc: \"dana.kim@contoso.com Bcc: "
                + "attacker@evil.test\" (from {event.data.runTags.owner ?: 'mlops-oncall@contoso.com'}) is not a mail "
                + "address");
        given().header("Authorization", "Bearer test-admin-key").get("/events/" + id).then().statusCode(200)
                .body("actions[0].detail", equalTo(outcome.detail()));
    }

    @Test
    void aTagWithAnAddressOutsideTheAllowedDomainsIsLeftOut() {
        // application.yml %test: rules.allowed-recipient-domains=contoso.com
        ObjectNode event = EventFixtures.fresh("eventgrid/RunStatusChanged.json");
        EventFixtures.data(event).putObject("runTags").put("owner", "eve@fabrikam.example");
        String id = event.get("id").textValue();
        double before = leftOutCount();

        post(event).statusCode(200).body("events[0].state", equalTo("done"));

        assertThat(Mailbox.inbox("mlops@contoso.com", id)).singleElement()
                .satisfies(r -> assertThat(r.cc()).isEmpty());
        assertThat(Mailbox.inbox("eve@fabrikam.example", id)).isEmpty();
        assertThat(outcome(id, "mail-failed-runs").detail()).isEqualTo("sent to 1 recipient(s); left out 1: cc: "
                + "\"eve@fabrikam.example\" (from {event.data.runTags.owner ?: 'mlops-oncall@contoso.com'}) is outside "
                + "rules.allowed-recipient-domains [contoso.com]");
        assertThat(leftOutCount() - before).isEqualTo(1.0);
    }

    private double leftOutCount() {
        io.micrometer.core.instrument.Counter c = registry.find("email.recipients.left.out")
                .tag("rule", "mail-failed-runs").counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void htmlInTagsIsEscapedInTheHtmlPartAndPlainInTheTextPart() {
        String payload = "<img src=x onerror=alert(1)><script>alert('owned')</script> & \"co\"";
        ObjectNode event = EventFixtures.fresh("eventgrid/RunCompleted.json");
        ((ObjectNode) EventFixtures.data(event).get("runTags")).put("note", payload);
        String id = event.get("id").textValue();

        post(event).statusCode(200);

        Received mail = Mailbox.forEvent(id).get(0);
        assertThat(mail.html()).contains("&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;alert(&#39;owned&#39;)"
                + "&lt;/script&gt; &amp; &quot;co&quot;").doesNotContain("<img", "<script", "onerror=alert(1)>");
        assertThat(mail.text()).contains("note=" + payload);
    }

    @Test
    void smtpDownAnswers503AndTheRedeliveryAfterItIsBackSendsExactlyOneMail() {
        ObjectNode event = EventFixtures.fresh("eventgrid/RunStatusChanged.json");
        String id = event.get("id").textValue();

        GreenMailResource.down();
        post(event).statusCode(503).header("Retry-After", notNullValue())
                .body("events[0].state", equalTo("failed"));
        ActionRecord owed = outcome(id, "mail-failed-runs");
        assertThat(owed.state()).as("still owed").isEqualTo(ActionState.PENDING);
        assertThat(owed.lastError()).startsWith("SMTP: ");

        GreenMailResource.up();
        post(event).statusCode(200).body("events[0].state", equalTo("done"));
        post(event).statusCode(200).body("events[0].state", equalTo("done"));

        List<Received> copies = Mailbox.forEvent(id);
        assertThat(copies).as("one mail, to + cc").hasSize(2);
        assertThat(copies).extracting(Received::messageId).containsOnly(outcome(id, "mail-failed-runs").externalId());
        assertThat(outcome(id, "mail-failed-runs").attempts()).isEqualTo(2);
    }

    @Test
    void a4xxReplyAnswers503AndTheRedeliverySendsTheMail() {
        ObjectNode event = EventFixtures.fresh("eventgrid/DatasetDriftDetected.json");
        String id = event.get("id").textValue();

        GreenMailResource.failDeliveries(true);
        post(event).statusCode(503).header("Retry-After", notNullValue());
        assertThat(outcome(id, "mail-drift").lastError()).contains("SMTP replied 451");
        assertThat(Mailbox.forEvent(id)).isEmpty();

        GreenMailResource.failDeliveries(false);
        post(event).statusCode(200);
        assertThat(Mailbox.forEvent(id)).hasSize(1);
    }

    @Test
    void aRejectedRecipientIsDeadLetteredAndNotRetried() {
        GreenMailResource.rejectRecipient("departed.colleague@contoso.com");
        ObjectNode event = EventFixtures.fresh("eventgrid/RunStatusChanged.json");
        EventFixtures.data(event).putObject("runTags").put("owner", "departed.colleague@contoso.com");
        String id = event.get("id").textValue();

        post(event).statusCode(200).body("events[0].state", equalTo("done"));
        post(event).statusCode(200).body("events[0].state", equalTo("done"));

        ActionRecord outcome = outcome(id, "mail-failed-runs");
        assertThat(outcome.state()).isEqualTo(ActionState.FAILED);
        assertThat(outcome.lastError()).contains("SMTP refused the mail (550)", "departed.colleague@contoso.com");
        assertThat(outcome.attempts()).as("not retried").isEqualTo(1);
        assertThat(Mailbox.forEvent(id)).isEmpty();
    }

    @Test
    void aSendTimeoutAnswers503AndTheRedeliverySendsAgainWithTheSameMessageId() {
        ObjectNode event = EventFixtures.fresh("eventgrid/DatasetDriftDetected.json");
        String id = event.get("id").textValue();

        GreenMailResource.stallDeliveries(Duration.ofMillis(6500));
        long start = System.nanoTime();
        post(event).statusCode(503);
        // Answered when email.send-timeout (5s in tests) ran out, before the relay's late reply (6.5s).
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofSeconds(5),
                Duration.ofMillis(6400));
        assertThat(outcome(id, "mail-drift").lastError())
                .isEqualTo("SMTP send timed out (email.send-timeout): no answer from the SMTP server within 5s");

        GreenMailResource.stallDeliveries(Duration.ZERO);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> Mailbox.forEvent(id).size() == 1);
        post(event).statusCode(200);

        // SMTP has no idempotency: the relay took the first mail after we stopped waiting. Both copies carry
        // the same Message-ID, which mail clients fold into one.
        List<Received> copies = Mailbox.forEvent(id);
        assertThat(copies).hasSize(2);
        assertThat(copies).extracting(Received::messageId).containsOnly(outcome(id, "mail-drift").externalId());
    }

    @Test
    void deliveryIsSmtpBecauseTheMailerHostIsSetEvenWithoutEmailDelivery() {
        assertThat(processor.delivery()).isEqualTo(EmailConfig.Delivery.SMTP);
        DeliveryMode implicit = DeliveryMode.decide(Optional.empty(), config);
        assertThat(implicit.delivery()).isEqualTo(EmailConfig.Delivery.SMTP);
        assertThat(implicit.reason()).startsWith("quarkus.mailer.host is set");
    }

    private ActionRecord outcome(String eventId, String rule) {
        return ledger.action(new ActionKey(eventId, rule, 0)).await().atMost(Duration.ofSeconds(5))
                .orElseThrow(() -> new AssertionError("no ledger record for " + eventId + "/" + rule));
    }

    /**
     * Delivers an event as the service would receive it: Azure ML events through the webhook; our own
     * synthetic deployment outcomes the way the deployment watcher publishes them (the webhook refuses
     * them from outside), waiting for their actions.
     */
    private void deliver(ObjectNode event) {
        if (!event.path(event.has("specversion") ? "type" : "eventType").asText().startsWith("AmlEventRouter.")) {
            post(event).statusCode(200).body("events[0].state", equalTo("done"));
            return;
        }
        MlEvent decoded = EventFixtures.decode(event);
        CompletableFuture<Void> acked = new CompletableFuture<>();
        bus.send(Message.of(decoded, () -> {
            acked.complete(null);
            return CompletableFuture.completedFuture(null);
        }, failure -> {
            acked.completeExceptionally(failure);
            return CompletableFuture.completedFuture(null);
        }));
        acked.orTimeout(20, TimeUnit.SECONDS).join();
    }

    private static ValidatableResponse post(ObjectNode event) {
        return given().queryParam("key", "test-key-1").contentType(EventFixtures.contentType(event))
                .body(EventFixtures.delivery(event)).post("/events").then();
    }
}
