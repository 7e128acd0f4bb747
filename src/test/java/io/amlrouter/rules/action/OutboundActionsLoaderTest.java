package io.amlrouter.rules.action;

import static io.amlrouter.rules.action.ActionFixtures.errors;
import static io.amlrouter.rules.action.ActionFixtures.event;
import static io.amlrouter.rules.action.ActionFixtures.file;
import static io.amlrouter.rules.action.ActionFixtures.render;
import static io.amlrouter.rules.action.ActionFixtures.rule;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.amlrouter.events.EventTypes;
import io.amlrouter.rules.load.RuleSetLoader;
import io.amlrouter.rules.template.RenderException;

/** webhook and amlPipelineEndpoint: the URL guards (SSRF), headers and secrets, exact messages. */
class OutboundActionsLoaderTest {

    static final String STATUS = EventTypes.RUN_STATUS_CHANGED;
    static final String P = "rules[0].actions[0].";
    static final RuleSetLoader STRICT = ActionFixtures.loader(List.of("hooks.contoso.com", "*.api.azureml.ms"), false,
            name -> name.equals("teams-webhook"));

    static String webhook(String url) {
        return "webhook: { url: \"" + url + "\", body: { text: \"Run {event.data.runId} {event.data.runStatus}\" } }";
    }

    @Test
    void webhookRendersTheBodyAndNamesSecretsWithoutTheirValues() throws RenderException {
        var rule = rule(STRICT, file(STATUS, """
                webhook:
                  url: https://hooks.contoso.com/teams/mlops
                  headers: { X-Source: aml-event-router }
                  secretHeaders: { Authorization: teams-webhook }
                  body:
                    title: "Run {event.data.runId}"
                    status: "{event.data.runStatus}"
                    retries: 3
                """));
        RenderedWebhook hook = (RenderedWebhook) render(rule, event("events/eventgrid/RunStatusChanged.json"));
        assertThat(hook.url()).isEqualTo("https://hooks.contoso.com/teams/mlops");
        assertThat(hook.headers()).isEqualTo(Map.of("X-Source", "aml-event-router"));
        assertThat(hook.secretHeaders()).isEqualTo(Map.of("Authorization", "teams-webhook"));
        assertThat(hook.body().get("status").textValue()).isEqualTo("Failed");
        assertThat(hook.body().get("retries").intValue()).isEqualTo(3);
    }

    @Test
    void urlsWithPlaceholdersAreRefused() {
        assertThat(errors(STRICT, file(STATUS, webhook("https://hooks.contoso.com/{event.data.runTags.hook}"))))
                .containsExactly(P + "webhook.url: \"https://hooks.contoso.com/{event.data.runTags.hook}\": placeholders "
                        + "are not allowed in URLs; the URL is fixed in the rules file so event data never chooses where "
                        + "requests go");
        assertThat(errors(STRICT, file(STATUS, "amlPipelineEndpoint: { url: \"https://{event.data.runTags.region}"
                + ".api.azureml.ms/pipelines\", experimentName: x }")))
                .containsExactly(P + "amlPipelineEndpoint.url: \"https://{event.data.runTags.region}.api.azureml.ms/"
                        + "pipelines\": placeholders are not allowed in URLs; the URL is fixed in the rules file so event "
                        + "data never chooses where requests go");
    }

    @Test
    void httpUrlsNeedAllowHttp() {
        assertThat(errors(STRICT, file(STATUS, webhook("http://hooks.contoso.com/teams"))))
                .containsExactly(P + "webhook.url: \"http://hooks.contoso.com/teams\" uses http; only https URLs are "
                        + "allowed (rules.urls.allow-http permits http for development)");
        RuleSetLoader dev = ActionFixtures.loader(List.of(), true, null);
        assertThat(errors(dev, file(STATUS, webhook("http://localhost:8089/hook")))).isEmpty();
        assertThat(errors(dev, file(STATUS, webhook("ftp://hooks.contoso.com/x"))))
                .containsExactly(P + "webhook.url: \"ftp://hooks.contoso.com/x\" must be an https URL");
    }

    @Test
    void hostsOutsideTheAllowListAreRefused() {
        assertThat(errors(STRICT, file(STATUS, webhook("https://169.254.169.254/metadata/identity"))))
                .containsExactly(P + "webhook.url: host \"169.254.169.254\" is not in rules.urls.allowed-hosts "
                        + "[hooks.contoso.com, *.api.azureml.ms]");
        assertThat(errors(STRICT, file(STATUS, "amlPipelineEndpoint: { url: \"https://api.azureml.ms.evil.example/p\","
                + " experimentName: x }")))
                .containsExactly(P + "amlPipelineEndpoint.url: host \"api.azureml.ms.evil.example\" is not in "
                        + "rules.urls.allowed-hosts [hooks.contoso.com, *.api.azureml.ms]");
        assertThat(errors(STRICT, file(STATUS, "amlPipelineEndpoint: { url: \"https://westeurope.api.azureml.ms/"
                + "pipelines/v1.0/x\", experimentName: x }"))).isEmpty();
        assertThat(errors(STRICT, file(STATUS, webhook("https://HOOKS.contoso.com/teams")))).isEmpty();
    }

    @Test
    void otherUrlDefects() {
        assertThat(errors(STRICT, file(STATUS, webhook("https://user:pw@hooks.contoso.com/x"))))
                .containsExactly(P + "webhook.url: \"https://user:pw@hooks.contoso.com/x\" must not carry credentials; "
                        + "send them with secretHeaders");
        assertThat(errors(STRICT, file(STATUS, webhook("/relative/hook"))))
                .containsExactly(P + "webhook.url: \"/relative/hook\" is not an absolute URL with a host");
        assertThat(errors(STRICT, file(STATUS, webhook("https://hooks.contoso.com/a b"))))
                .containsExactly(P + "webhook.url: \"https://hooks.contoso.com/a b\" is not a valid URL: Illegal "
                        + "character in path");
    }

    @Test
    void headerAndSecretViolations() {
        assertThat(errors(STRICT, file(STATUS, """
                webhook:
                  url: https://hooks.contoso.com/x
                  headers: { Content-Type: text/plain, X-Run: "{event.data.runId}", "Bad Header": x }
                  secretHeaders: { Authorization: github-token, X-Key: Teams_Webhook }
                  body: { a: 1 }
                """))).containsExactly(
                P + "webhook.headers.Content-Type: header \"Content-Type\" is set by the HTTP client and cannot be given",
                P + "webhook.headers.X-Run: header values are fixed: placeholders are not allowed in headers",
                P + "webhook.headers.Bad Header: \"Bad Header\" is not a valid header name",
                P + "webhook.secretHeaders.Authorization: secret \"github-token\" is not configured "
                        + "(actions.secrets.github-token, environment ACTIONS_SECRETS_GITHUB_TOKEN)",
                P + "webhook.secretHeaders.X-Key: must name a secret (1-63 characters of a-z, 0-9 and '-'), got the "
                        + "string \"Teams_Webhook\"");
        assertThat(errors(STRICT, file(STATUS, """
                webhook:
                  url: https://hooks.contoso.com/x
                  headers: { Authorization: Basic abc }
                  secretHeaders: { authorization: teams-webhook }
                """))).containsExactly(
                P + "webhook.secretHeaders.authorization: header \"authorization\" is also in headers; give it once",
                P + "webhook.body: is required: the JSON body to post (a mapping, with placeholders)");
    }

    @Test
    void theLinterCannotSeeSecretsAndDoesNotCheckThem() {
        assertThat(errors(RuleSetLoader.withDefaults(), file(STATUS, """
                webhook:
                  url: https://hooks.contoso.com/x
                  secretHeaders: { Authorization: anything-goes }
                  body: { a: 1 }
                """))).isEmpty();
    }

    @Test
    void pipelineEndpointRendersTheV1Body() throws RenderException {
        var rule = rule(STRICT, file(STATUS, """
                amlPipelineEndpoint:
                  url: https://westeurope.api.azureml.ms/pipelines/v1.0/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w/PipelineRuns/PipelineEndpointSubmit/Id/3a1f
                  experimentName: "retrain-{event.data.experimentName}"
                  description: "after {event.data.runId}"
                  parameterAssignments: { failedRun: "{event.data.runId}", epochs: 20 }
                """));
        RenderedAmlPipelineEndpoint p = (RenderedAmlPipelineEndpoint) render(rule,
                event("events/eventgrid/RunStatusChanged.json"));
        assertThat(p.body().get("ExperimentName").textValue()).isEqualTo("retrain-fraud-automl-sweep");
        assertThat(p.body().at("/ParameterAssignments/epochs").intValue()).isEqualTo(20);
        assertThat(p.body().get("Description").textValue()).startsWith("after AutoML_");
        assertThat(errors(STRICT, file(STATUS, "amlPipelineEndpoint: { url: \"https://westeurope.api.azureml.ms/p\" }")))
                .containsExactly(P + "amlPipelineEndpoint.experimentName: is required");
    }
}
