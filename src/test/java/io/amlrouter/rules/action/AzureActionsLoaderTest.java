package io.amlrouter.rules.action;

import static io.amlrouter.rules.action.ActionFixtures.WORKSPACE;
import static io.amlrouter.rules.action.ActionFixtures.errors;
import static io.amlrouter.rules.action.ActionFixtures.event;
import static io.amlrouter.rules.action.ActionFixtures.file;
import static io.amlrouter.rules.action.ActionFixtures.render;
import static io.amlrouter.rules.action.ActionFixtures.rule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.amlrouter.events.EventTypes;
import io.amlrouter.events.MlEvent;
import io.amlrouter.rules.load.RuleSetLoader;
import io.amlrouter.rules.template.RenderException;

/** amlJob, adfPipelineRun and amlOnlineDeployment: strict loading with exact messages, and rendering. */
class AzureActionsLoaderTest {

    static final RuleSetLoader LOADER = ActionFixtures.loader(List.of(), false, null);
    static final String DRIFT = EventTypes.DATASET_DRIFT_DETECTED;
    static final String REGISTERED = EventTypes.MODEL_REGISTERED;
    static final String P = "rules[0].actions[0].";

    @Test
    void amlJobRendersTheBodyAndADeterministicJobName() throws RenderException {
        var rule = rule(LOADER, file(DRIFT, """
                amlJob:
                  workspace: event
                  body:
                    properties:
                      jobType: Command
                      experimentName: fraud-retrain
                      command: "python train.py --run {event.data.runId}"
                      resources: { instanceCount: 2 }
                """));
        MlEvent drift = event("events/eventgrid/DatasetDriftDetected.json");
        RenderedAmlJob job = (RenderedAmlJob) render(rule, drift);
        assertThat(job.workspace()).isEqualTo(WORKSPACE);
        assertThat(job.jobName()).matches("r-0-[0-9a-f]{20}").isEqualTo(ArmNames.jobName(drift.id(), "r", 0))
                .isEqualTo(((RenderedAmlJob) render(rule, drift)).jobName());
        assertThat(job.body().at("/properties/command").textValue()).isEqualTo("python train.py --run "
                + drift.raw().at("/data/runId").textValue());
        assertThat(job.body().at("/properties/resources/instanceCount").intValue()).isEqualTo(2);
    }

    @Test
    void jobNamesDifferPerEventRuleAndIndexAndFollowAzuresRule() {
        String a = ArmNames.jobName("e1", "retrain-on-drift", 0);
        assertThat(List.of(ArmNames.jobName("e2", "retrain-on-drift", 0), ArmNames.jobName("e1", "retrain", 0),
                ArmNames.jobName("e1", "retrain-on-drift", 1))).doesNotContain(a);
        String longest = ArmNames.jobName("x".repeat(5000), "r".repeat(63), 999);
        assertThat(longest).hasSizeLessThanOrEqualTo(255).matches(ArmNames.JOB_NAME);
    }

    @Test
    void amlJobViolations() {
        assertThat(errors(LOADER, file(DRIFT, "amlJob: { workspace: event }")))
                .containsExactly(P + "amlJob.body: is required");
        assertThat(errors(LOADER, file(DRIFT, "amlJob: { body: { jobType: Command } }")))
                .containsExactly(P + "amlJob.body: must hold the job's \"properties\" mapping (the ARM job body: "
                        + "properties.jobType, properties.experimentName, ...)");
        assertThat(errors(LOADER, file(DRIFT, "amlJob: { body: { properties: { experimentName: x } } }")))
                .containsExactly(P + "amlJob.body.properties: \"jobType\" is required (Command, Pipeline, Sweep, ...)");
        assertThat(errors(LOADER, file(DRIFT, "amlJob: { workspace: mlw-fraud, body: { properties: { jobType: Command } } }")))
                .containsExactly(P + "amlJob.workspace: \"mlw-fraud\" is neither \"event\" nor an Azure ML workspace id "
                        + "(/subscriptions/{id}/resourceGroups/{rg}/providers/Microsoft.MachineLearningServices/"
                        + "workspaces/{name})");
        assertThat(errors(LOADER, file(DRIFT, "amlJob: { name: x, body: { properties: { jobType: Command } } }")))
                .containsExactly(P + "amlJob.name: unknown key \"name\" (known: workspace, body)");
        assertThat(errors(LOADER, file(DRIFT,
                "amlJob: { body: { properties: { jobType: Command, displayName: \"{event.data.modelName}\" } } }")))
                .containsExactly(P + "amlJob.body.properties.displayName: placeholder {event.data.modelName}: "
                        + DRIFT + " has no data member \"modelName\"; it has [dataDriftId, dataDriftName, runId, "
                        + "baseDatasetId, targetDatasetId, driftCoefficient, startTime, endTime]");
    }

    @Test
    void amlJobInAFixedWorkspace() throws RenderException {
        String other = WORKSPACE.replace("mlw-fraud-weu", "mlw-train");
        var rule = rule(LOADER, file(DRIFT, "amlJob: { workspace: " + other + ", body: { properties: { jobType: Command } } }"));
        assertThat(((RenderedAmlJob) render(rule, event("events/eventgrid/DatasetDriftDetected.json"))).workspace())
                .isEqualTo(other);
    }

    @Test
    void adfPipelineRunRendersParameters() throws RenderException {
        var rule = rule(LOADER, file(DRIFT, """
                adfPipelineRun:
                  factory: /subscriptions/5d2c8e71-94ab-4f3e-b0c6-1a7e3f9d2b48/resourcegroups/rg-data/providers/Microsoft.DataFactory/factories/adf-fraud
                  pipeline: retrain
                  parameters: { driftRun: "{event.data.runId}", threshold: 0.5 }
                """));
        RenderedAdfPipelineRun run = (RenderedAdfPipelineRun) render(rule, event("events/eventgrid/DatasetDriftDetected.json"));
        assertThat(run.factory()).isEqualTo("/subscriptions/5d2c8e71-94ab-4f3e-b0c6-1a7e3f9d2b48/resourceGroups/rg-data"
                + "/providers/Microsoft.DataFactory/factories/adf-fraud");
        assertThat(run.pipeline()).isEqualTo("retrain");
        assertThat(run.parameters().get("threshold").doubleValue()).isEqualTo(0.5);
        assertThat(run.parameters().get("driftRun").isTextual()).isTrue();
    }

    @Test
    void adfPipelineRunViolations() {
        assertThat(errors(LOADER, file(DRIFT, "adfPipelineRun: { factory: adf-fraud, pipeline: retrain }")))
                .containsExactly(P + "adfPipelineRun.factory: \"adf-fraud\" is not a Data Factory id (/subscriptions/{id}/"
                        + "resourceGroups/{rg}/providers/Microsoft.DataFactory/factories/{name}); placeholders are not "
                        + "allowed here");
        assertThat(errors(LOADER, file(DRIFT, "adfPipelineRun: { factory: " + WORKSPACE
                .replace("Microsoft.MachineLearningServices/workspaces/mlw-fraud-weu", "Microsoft.DataFactory/factories/f")
                + ", pipeline: \"retrain/{event.data.runId}\", parameters: [a] }")))
                .containsExactly(
                        P + "adfPipelineRun.pipeline: \"retrain/{event.data.runId}\" is not a pipeline name (at most 260 "
                                + "characters, none of . / ? # % + < > * & : \\ and no placeholders)",
                        P + "adfPipelineRun.parameters: must be a mapping, got a list");
        assertThat(errors(LOADER, file(DRIFT, "adfPipelineRun: { pipeline: retrain }")))
                .containsExactly(P + "adfPipelineRun.factory: is required");
    }

    @Test
    void onlineDeploymentExpandsTheModelReferenceInTheEventsWorkspace() throws RenderException {
        var rule = rule(LOADER, file(REGISTERED, """
                amlOnlineDeployment:
                  endpoint: fraud-scorer
                  deployment: "{event.data.modelName}-v{event.data.modelVersion}"
                  model: "azureml:{event.data.modelName}:{event.data.modelVersion}"
                  instanceType: Standard_DS3_v2
                  instanceCount: 2
                  trafficPercent: 100
                """));
        RenderedAmlOnlineDeployment d = (RenderedAmlOnlineDeployment) render(rule,
                event("events/eventgrid/ModelRegistered.json"));
        assertThat(d.workspace()).isEqualTo(WORKSPACE);
        assertThat(d.endpoint()).isEqualTo("fraud-scorer");
        assertThat(d.deployment()).isEqualTo("fraud-gbm-v14");
        assertThat(d.model()).isEqualTo(WORKSPACE + "/models/fraud-gbm/versions/14");
        assertThat(d.trafficPercent()).isEqualTo(100);
        assertThat(d.body().toString()).isEqualTo("{\"sku\":{\"name\":\"Default\",\"capacity\":2},\"properties\":"
                + "{\"endpointComputeType\":\"Managed\",\"scaleSettings\":{\"scaleType\":\"Default\"},\"model\":\""
                + WORKSPACE + "/models/fraud-gbm/versions/14\",\"instanceType\":\"Standard_DS3_v2\"}}");
    }

    @Test
    void onlineDeploymentBodyOverrideKeepsItsFieldsAndTakesTheShorthand() throws RenderException {
        var rule = rule(LOADER, file(REGISTERED, """
                amlOnlineDeployment:
                  endpoint: fraud-scorer
                  deployment: blue
                  model: /subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/registries/r/models/m/versions/1
                  location: westeurope
                  body:
                    sku: { name: Default, capacity: 3 }
                    properties:
                      endpointComputeType: Managed
                      instanceType: Standard_F4s_v2
                      codeConfiguration: { codeId: "x", scoringScript: score.py }
                """));
        RenderedAmlOnlineDeployment d = (RenderedAmlOnlineDeployment) render(rule,
                event("events/eventgrid/ModelRegistered.json"));
        assertThat(d.body().at("/sku/capacity").intValue()).isEqualTo(3);
        assertThat(d.body().at("/location").textValue()).isEqualTo("westeurope");
        assertThat(d.body().at("/properties/instanceType").textValue()).isEqualTo("Standard_F4s_v2");
        assertThat(d.body().at("/properties/codeConfiguration/scoringScript").textValue()).isEqualTo("score.py");
        assertThat(d.model()).endsWith("/registries/r/models/m/versions/1");
        assertThat(d.trafficPercent()).isNull();
    }

    @Test
    void onlineDeploymentRefusesNamesThatWouldLeaveThePathSegmentAtRenderTime() {
        var rule = rule(LOADER, file(REGISTERED, """
                amlOnlineDeployment:
                  endpoint: fraud-scorer
                  deployment: "{event.data.modelTags.auc}/../x"
                  model: "azureml:{event.data.modelName}:latest:x"
                  instanceType: Standard_DS3_v2
                """));
        assertThatThrownBy(() -> render(rule, event("events/eventgrid/ModelRegistered.json")))
                .isInstanceOf(RenderException.class)
                .hasMessageStartingWith("deployment: \"0.947/../x\" is not a valid online deployment name: '.' is not a "
                        + "letter, digit or '-', it does not start with a letter (Azure's rule: 3 to 32 characters: letters, digits and '-', starting "
                        + "with a letter and ending with a letter or digit)");
        assertThatThrownBy(() -> AmlOnlineDeploymentAction.modelId("azureml:fraud-gbm:latest:x", null))
                .hasMessage("model: \"azureml:fraud-gbm:latest:x\" is neither azureml:<name>:<version>, a model ARM id "
                        + "(/subscriptions/...) nor a registry id (azureml://registries/...)");
    }

    @Test
    void onlineDeploymentViolations() {
        assertThat(errors(LOADER, file(REGISTERED, "amlOnlineDeployment: { endpoint: fraud-scorer }")))
                .containsExactly(P + "amlOnlineDeployment.deployment: is required",
                        P + "amlOnlineDeployment.model: is required (azureml:<name>:<version>, or a model ARM id) unless "
                                + "\"body\" is given",
                        P + "amlOnlineDeployment.instanceType: is required (e.g. Standard_DS3_v2) unless \"body\" is given");
        assertThat(errors(LOADER, file(REGISTERED, "amlOnlineDeployment: { endpoint: fraud-scorer, deployment: blue, model: "
                + "\"azureml:m:1\", instanceType: t, instanceCount: 0, trafficPercent: 101, replicas: 2 }")))
                .containsExactly(P + "amlOnlineDeployment.replicas: unknown key \"replicas\" (known: workspace, endpoint, "
                        + "deployment, model, instanceType, instanceCount, location, trafficPercent, body)",
                        P + "amlOnlineDeployment.instanceCount: must be between 1 and 1000, got 0",
                        P + "amlOnlineDeployment.trafficPercent: must be between 0 and 100, got 101");
        assertThat(errors(LOADER, file(REGISTERED, "amlOnlineDeployment: { endpoint: fraud-scorer, deployment: blue, body: x }")))
                .containsExactly(P + "amlOnlineDeployment.body: must be a mapping, got the string \"x\"");
    }

    @Test
    void constantEndpointAndDeploymentNamesAreHeldToAzuresRuleWhenTheRulesLoad() {
        assertThat(errors(LOADER, file(REGISTERED, "amlOnlineDeployment: { endpoint: fraud_scorer, deployment: 2024-blue, "
                + "model: \"azureml:m:1\", instanceType: t }")))
                .containsExactly(P + "amlOnlineDeployment.endpoint: \"fraud_scorer\" is not a valid online endpoint name: "
                        + "'_' is not a letter, digit or '-' (Azure's rule: 3 to 32 characters: letters, digits and '-', "
                        + "starting with a letter and ending with a letter or digit); build it with the name helpers, e.g. "
                        + "\"{event.data.modelName.lower().replaceDisallowed('a-z0-9-', '-').truncHash(24)}"
                        + "-v{event.data.modelVersion}\"",
                        P + "amlOnlineDeployment.deployment: \"2024-blue\" is not a valid online deployment name: it does "
                                + "not start with a letter (Azure's rule: 3 to 32 characters: letters, digits and '-', "
                                + "starting with a letter and ending with a letter or digit); build it with the name "
                                + "helpers, e.g. \"{event.data.modelName.lower().replaceDisallowed('a-z0-9-', '-')"
                                + ".truncHash(24)}-v{event.data.modelVersion}\"");
        assertThat(errors(LOADER, file(REGISTERED, "amlOnlineDeployment: { endpoint: ab, deployment: blue-, "
                + "model: \"azureml:m:1\", instanceType: t }")))
                .anySatisfy(e -> assertThat(e).startsWith(P + "amlOnlineDeployment.endpoint: \"ab\" is not a valid "
                        + "online endpoint name: it has 2 characters"))
                .anySatisfy(e -> assertThat(e).startsWith(P + "amlOnlineDeployment.deployment: \"blue-\" is not a valid "
                        + "online deployment name: it ends with '-'"));
        assertThat(errors(LOADER, file(REGISTERED, "amlOnlineDeployment: { endpoint: " + "e".repeat(33)
                + ", deployment: blue, model: \"azureml:m:1\", instanceType: t }")))
                .singleElement().asString().contains("it has 33 characters");
    }

    @Test
    void renderedNamesAreHeldToAzuresRuleAndTheHelpersMakeThemValid() throws RenderException {
        String raw = """
                amlOnlineDeployment:
                  endpoint: fraud-scorer
                  deployment: "{event.data.modelName}-v{event.data.modelVersion}"
                  model: "azureml:{event.data.modelName}:{event.data.modelVersion}"
                  instanceType: Standard_DS3_v2
                """;
        MlEvent event = event("events/eventgrid/ModelRegistered.long-name.json");
        assertThatThrownBy(() -> render(rule(LOADER, file(REGISTERED, raw)), event))
                .isInstanceOf(RenderException.class)
                .hasMessageStartingWith("deployment: \"credit_default_xgboost_classifier-v3\" is not a valid online "
                        + "deployment name: it has 36 characters, '_' is not a letter, digit or '-' (Azure's rule");
        var helped = rule(LOADER, file(REGISTERED, raw.replace("\"{event.data.modelName}-v",
                "\"{event.data.modelName.lower().replaceDisallowed('a-z0-9-', '-').truncHash(24)}-v")));
        RenderedAmlOnlineDeployment d = (RenderedAmlOnlineDeployment) render(helped, event);
        assertThat(d.deployment()).matches("credit-default-[0-9a-f]{8}-v3").matches(ArmNames.ONLINE_NAME);
        assertThat(d.model()).endsWith("/models/credit_default_xgboost_classifier/versions/3");
    }
}
