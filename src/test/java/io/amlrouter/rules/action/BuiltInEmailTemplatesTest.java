package io.amlrouter.rules.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.amlrouter.events.EventTypes;
import io.amlrouter.events.MlEvent;
import io.amlrouter.rules.template.RenderException;
import io.amlrouter.rules.template.TemplateContext;
import io.amlrouter.rules.template.Templates;
import io.amlrouter.support.EventFixtures;

/**
 * Every built-in mail template rendered with every fixture of every event type it supports, in the
 * fixture's casing and with its data keys in PascalCase, so a broken template cannot ship: the subject,
 * both bodies, the values a reader needs, the studio link, and HTML that is well formed and self-contained.
 */
class BuiltInEmailTemplatesTest {

    static final BuiltInEmailTemplates BUILT_INS = new BuiltInEmailTemplates(new Templates(100_000));
    static final String RULE = "mail-the-team";

    static final Map<String, List<String>> FIXTURES = new LinkedHashMap<>();

    static {
        FIXTURES.put(EventTypes.RUN_STATUS_CHANGED, List.of("eventgrid/RunStatusChanged.json",
                "eventgrid/RunStatusChanged.upper-topic.json", "cloudevents/RunStatusChanged.json",
                "cloudevents/RunStatusChanged.pascal.json"));
        FIXTURES.put(EventTypes.RUN_COMPLETED, List.of("eventgrid/RunCompleted.json",
                "eventgrid/RunCompleted.runtype-null.json", "cloudevents/RunCompleted.json",
                "cloudevents/RunCompleted.pascal.json"));
        FIXTURES.put(EventTypes.MODEL_REGISTERED, List.of("eventgrid/ModelRegistered.json",
                "eventgrid/ModelRegistered.pascal.json", "cloudevents/ModelRegistered.json",
                "cloudevents/ModelRegistered.pascal.json"));
        FIXTURES.put(EventTypes.MODEL_DEPLOYED, List.of("eventgrid/ModelDeployed.json", "eventgrid/ModelDeployed.pascal.json",
                "cloudevents/ModelDeployed.json", "cloudevents/ModelDeployed.pascal.json"));
        FIXTURES.put(EventTypes.DATASET_DRIFT_DETECTED, List.of("eventgrid/DatasetDriftDetected.json",
                "eventgrid/DatasetDriftDetected.pascal.json", "eventgrid/DatasetDriftDetected.docs-subject.json",
                "cloudevents/DatasetDriftDetected.json", "cloudevents/DatasetDriftDetected.pascal.json"));
        FIXTURES.put(EventTypes.DEPLOYMENT_SUCCEEDED, List.of("synthetic/DeploymentSucceeded.json"));
        FIXTURES.put(EventTypes.DEPLOYMENT_FAILED, List.of("synthetic/DeploymentFailed.json"));
        FIXTURES.put("Microsoft.Storage.BlobCreated", List.of("eventgrid/Unknown.json"));
    }

    static Stream<Arguments> everyTemplateWithEverySupportedFixture() {
        List<Arguments> out = new ArrayList<>();
        for (String name : BUILT_INS.names()) {
            BuiltInEmailTemplates.BuiltIn template = BUILT_INS.get(name).orElseThrow();
            FIXTURES.forEach((type, fixtures) -> {
                if (template.types().isEmpty() || template.types().contains(type)) {
                    for (String fixture : fixtures) {
                        out.add(Arguments.of(name, fixture, false));
                        out.add(Arguments.of(name, fixture, true));
                    }
                }
            });
        }
        return out.stream();
    }

    @Test
    void theCatalogueIsTheDocumentedOne() {
        assertThat(BUILT_INS.names()).containsExactly("run-status", "run-completed", "model-registered",
                "model-deployed", "drift", "model-deployment", "deployment-outcome", "generic");
        assertThat(BUILT_INS.get("model-deployment").orElseThrow().types()).containsExactly(EventTypes.MODEL_REGISTERED,
                EventTypes.DEPLOYMENT_SUCCEEDED, EventTypes.DEPLOYMENT_FAILED);
        assertThat(BUILT_INS.get("generic").orElseThrow().types()).isEmpty();
        assertThat(BUILT_INS.get("Run-Status")).as("names ignore case").isPresent();
    }

    @ParameterizedTest(name = "{0} with {1}, PascalCase data: {2}")
    @MethodSource
    void everyTemplateWithEverySupportedFixture(String name, String fixture, boolean pascal) throws Exception {
        ObjectNode json = EventFixtures.event(fixture);
        if (pascal) {
            pascalCaseData(json);
        }
        MlEvent event = EventFixtures.decode(json);
        Rendered mail = render(name, event);

        String workspace = event.envelope().workspace() == null ? "Azure ML" : event.envelope().workspace().name();
        assertThat(mail.subject()).startsWith("[" + workspace + "] ").doesNotContain("\n", "\r", "{", "}")
                .hasSizeLessThan(200);
        List<String> values = keyValues(event);
        assertThat(mail.text()).contains(values).contains(event.id(), RULE).doesNotContain("{event", "{#");
        assertThat(mail.html()).contains(values.stream().map(BuiltInEmailTemplatesTest::escaped).toList())
                .contains(event.id(), RULE);
        assertSelfContainedHtml(mail.html());
        if (event.studioUrl().isPresent()) {
            assertThat(mail.text()).contains(event.studioUrl().get());
            assertThat(mail.html()).contains("<a href=\"" + event.studioUrl().get() + "\"");
        } else {
            assertThat(mail.html()).doesNotContain("ml.azure.com/runs");
        }
    }

    @Test
    void runStatusBranchesOnTheStatus() throws Exception {
        Map<String, String[]> expected = Map.of(
                "Failed", new String[] { "Run failed", "#c50f1f", "Outputs + logs" },
                "Canceled", new String[] { "Run canceled", "#bc4b09", "was canceled" },
                "Running", new String[] { "Run Running", "#0f6cbd", "is now <b>Running</b>" });
        for (Map.Entry<String, String[]> e : expected.entrySet()) {
            ObjectNode json = EventFixtures.event("eventgrid/RunStatusChanged.json");
            EventFixtures.data(json).put("runStatus", e.getKey());
            Rendered mail = render("run-status", EventFixtures.decode(json));
            assertThat(mail.subject()).isEqualTo("[mlw-fraud-weu] Run AutoML_3c8e1f47-5b2a-4d9c-8e6f-1a0b7c4d2e95_7 "
                    + e.getKey() + " in fraud-automl-sweep");
            assertThat(mail.html()).contains(e.getValue());
        }
    }

    @Test
    void theRunStatusTextReadsWell() throws Exception {
        ObjectNode json = EventFixtures.event("eventgrid/RunStatusChanged.json");
        EventFixtures.data(json).putObject("runTags").put("owner", "dana.kim@contoso.com").put("team", "fraud");
        Rendered mail = render("run-status", EventFixtures.decode(json));
        assertThat(mail.text()).isEqualTo("""
                RUN FAILED
                Run AutoML_3c8e1f47-5b2a-4d9c-8e6f-1a0b7c4d2e95_7 of experiment fraud-automl-sweep failed.

                Workspace:    mlw-fraud-weu (resource group rg-mlops-prod, subscription 5d2c8e71-94ab-4f3e-b0c6-1a7e3f9d2b48)
                Experiment:   fraud-automl-sweep
                Run:          AutoML_3c8e1f47-5b2a-4d9c-8e6f-1a0b7c4d2e95_7
                Status:       Failed
                Run type:     automl
                Time:         2025-03-14T07:15:22.6630581+00:00
                Tags:         owner=dana.kim@contoso.com, team=fraud

                The error is in the run's Outputs + logs tab in studio (user_logs/std_log.txt, or the failing step of a pipeline).

                Open the run in Azure ML studio:
                https://ml.azure.com/runs/AutoML_3c8e1f47-5b2a-4d9c-8e6f-1a0b7c4d2e95_7?wsid=/subscriptions/5d2c8e71-94ab-4f3e-b0c6-1a7e3f9d2b48/resourcegroups/rg-mlops-prod/workspaces/mlw-fraud-weu

                --\s
                Sent by aml-event-router because rule mail-the-team matched event 91d07e3a-6c4b-4f25-a8e9-3b1c5d7f0a64 (Microsoft.MachineLearningServices.RunStatusChanged).
                """);
    }

    @Test
    void deploymentTemplatesSayWhetherItWorked() throws Exception {
        MlEvent succeeded = EventFixtures.decode(EventFixtures.event("synthetic/DeploymentSucceeded.json"));
        MlEvent failed = EventFixtures.decode(EventFixtures.event("synthetic/DeploymentFailed.json"));
        MlEvent registered = EventFixtures.decode(EventFixtures.event("eventgrid/ModelRegistered.json"));

        assertThat(render("deployment-outcome", succeeded).subject())
                .isEqualTo("[mlw-fraud-weu] Deployment fraud-gbm-v15 to fraud-scorer succeeded");
        assertThat(render("deployment-outcome", failed).subject())
                .isEqualTo("[mlw-fraud-weu] Deployment fraud-gbm-v15 to fraud-scorer failed (ResourceNotReady)");
        assertThat(render("deployment-outcome", failed).text()).contains("DEPLOYMENT FAILED", "Error code:   ResourceNotReady",
                "Liveness probe failed", "Started for event e4a1c9f0-2b7d-4e63-8a15-9c0d3f6b7e21 by rule deploy-approved-models");
        assertThat(render("deployment-outcome", succeeded).text()).contains("DEPLOYMENT SUCCEEDED").doesNotContain("Error");

        assertThat(render("model-deployment", registered).subject())
                .isEqualTo("[mlw-fraud-weu] Deployment of model fraud-gbm:14 requested");
        assertThat(render("model-deployment", succeeded).subject())
                .isEqualTo("[mlw-fraud-weu] Model azureml:fraud-gbm:15 deployed to fraud-scorer");
        assertThat(render("model-deployment", failed).subject())
                .isEqualTo("[mlw-fraud-weu] Model azureml:fraud-gbm:15 failed to deploy to fraud-scorer");
        assertThat(render("model-deployment", failed).html()).contains("Model deployment failed", "#c50f1f",
                "white-space:pre-wrap;\">User container has crashed");
    }

    @Test
    void tagsAreEscapedInHtmlAndOptionalFieldsMayBeNullOrMissing() throws Exception {
        ObjectNode json = EventFixtures.event("eventgrid/RunCompleted.json");
        ObjectNode data = EventFixtures.data(json);
        data.putNull("runType");
        data.putObject("runTags").put("<b>key</b>", "<script>alert(1)</script>");
        Rendered mail = render("run-completed", EventFixtures.decode(json));
        assertThat(mail.html()).contains("&lt;b&gt;key&lt;/b&gt;: &lt;script&gt;alert(1)&lt;/script&gt;")
                .doesNotContain("<script", "Run type");
        assertThat(mail.text()).contains("Tags:         <b>key</b>=<script>alert(1)</script>").doesNotContain("Run type");

        data.remove("runTags");
        assertThat(render("run-completed", EventFixtures.decode(json)).text()).contains("Tags:         none");
    }

    @Test
    void aMissingRequiredValueFailsTheMailInsteadOfBlankingIt() {
        ObjectNode json = EventFixtures.event("eventgrid/RunStatusChanged.json");
        EventFixtures.data(json).remove("experimentName");
        MlEvent event = EventFixtures.decode(json);
        BuiltInEmailTemplates.BuiltIn t = BUILT_INS.get("run-status").orElseThrow();
        assertThatThrownBy(() -> t.subject().render(context(event))).isInstanceOf(RenderException.class)
                .hasMessageContaining("experimentName");
        assertThatThrownBy(() -> t.text().render(context(event))).isInstanceOf(RenderException.class);
        assertThatThrownBy(() -> t.html().render(context(event))).isInstanceOf(RenderException.class);
    }

    record Rendered(String subject, String html, String text) {
    }

    static Rendered render(String name, MlEvent event) throws RenderException {
        BuiltInEmailTemplates.BuiltIn t = BUILT_INS.get(name).orElseThrow();
        TemplateContext context = context(event);
        return new Rendered(EmailAction.headerValue(t.subject().render(context)), t.html().render(context),
                t.text().render(context));
    }

    static TemplateContext context(MlEvent event) {
        return new TemplateContext(event, RULE, "Tell the team");
    }

    /** What a reader needs to act on, per event type, as the typed event holds it. */
    static List<String> keyValues(MlEvent event) {
        List<String> v = new ArrayList<>();
        if (event.envelope().workspace() != null) {
            v.add(event.envelope().workspace().name());
            v.add(event.envelope().workspace().resourceGroup());
        }
        if (event.envelope().time() != null) {
            v.add(event.envelope().time());
        }
        if (event instanceof MlEvent.RunStatusChanged e) {
            v.addAll(List.of(e.experimentName(), e.runId(), e.runStatus()));
            e.runTags().forEach((k, x) -> v.add(k));
        } else if (event instanceof MlEvent.RunCompleted e) {
            v.addAll(List.of(e.experimentName(), e.runId()));
            e.runTags().forEach((k, x) -> v.add(k));
        } else if (event instanceof MlEvent.ModelRegistered e) {
            v.addAll(List.of(e.modelName(), e.modelVersion()));
            e.modelTags().forEach((k, x) -> v.add(k));
        } else if (event instanceof MlEvent.ModelDeployed e) {
            v.add(e.serviceName());
            v.addAll(e.modelIds());
            e.serviceTags().forEach((k, x) -> v.add(k));
        } else if (event instanceof MlEvent.DatasetDriftDetected e) {
            v.addAll(List.of(e.dataDriftName(), String.valueOf(e.driftCoefficient()), e.runId(), e.targetDatasetId()));
        } else if (event instanceof MlEvent.DeploymentOutcome e) {
            v.addAll(List.of(e.endpoint(), e.deployment(), e.model(), e.status()));
            if (!e.succeeded()) {
                v.add(e.errorCode());
            }
        } else {
            v.add(event.type());
        }
        return v;
    }

    /** One page, inline styles only: no scripts, no external images, style sheets or fonts; tags balanced. */
    static void assertSelfContainedHtml(String html) {
        assertThat(html).startsWith("<!DOCTYPE html>").contains("<meta name=\"viewport\"")
                .doesNotContain("<script", "<link", "<style", "src=", "url(", "@import", "{event", "{#");
        for (String tag : List.of("html", "body", "table", "tr", "td", "th", "p", "b", "a", "span", "h1", "code")) {
            assertThat(count(html, "<" + tag + "[ >]")).as("<%s> balanced", tag).isEqualTo(count(html, "</" + tag + ">"));
        }
        Matcher hrefs = Pattern.compile("href=\"([^\"]*)\"").matcher(html);
        while (hrefs.find()) {
            assertThat(hrefs.group(1)).startsWith("https://");
        }
    }

    private static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    static String escaped(String value) {
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&#39;");
    }

    /** Flips the top-level {@code data} keys to PascalCase, as some Azure ML sources send them. */
    static void pascalCaseData(ObjectNode event) {
        JsonNode data = event.get("data");
        if (data == null || !data.isObject()) {
            return;
        }
        ObjectNode pascal = event.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = data.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            pascal.set(Character.toUpperCase(e.getKey().charAt(0)) + e.getKey().substring(1), e.getValue());
        }
        event.set("data", pascal);
    }
}
