package io.amlrouter.rules.action;

import static io.amlrouter.rules.action.ActionFixtures.errors;
import static io.amlrouter.rules.action.ActionFixtures.event;
import static io.amlrouter.rules.action.ActionFixtures.file;
import static io.amlrouter.rules.action.ActionFixtures.render;
import static io.amlrouter.rules.action.ActionFixtures.rule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;

import io.amlrouter.events.EventTypes;
import io.amlrouter.rules.load.LoadResult;
import io.amlrouter.rules.load.RuleSetLoader;
import io.amlrouter.rules.template.RenderException;
import io.amlrouter.rules.template.Templates;

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
        assertThat(errors(STRICT, file(STATUS, webhook("https://hooks.evil.example/x"))))
                .containsExactly(P + "webhook.url: host \"hooks.evil.example\" port 443 is not in rules.urls.allowed-hosts "
                        + "[hooks.contoso.com, *.api.azureml.ms] (an entry without a port allows port 443 only)");
        assertThat(errors(STRICT, file(STATUS, "amlPipelineEndpoint: { url: \"https://api.azureml.ms.evil.example/p\","
                + " experimentName: x }")))
                .containsExactly(P + "amlPipelineEndpoint.url: host \"api.azureml.ms.evil.example\" port 443 is not in "
                        + "rules.urls.allowed-hosts [hooks.contoso.com, *.api.azureml.ms] (an entry without a port "
                        + "allows port 443 only)");
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

    /** A loader with these allowed hosts and special ranges (as configuration gives them), https only. */
    static RuleSetLoader loader(List<String> allowedHosts, List<String> allowedPrivate) {
        Predicate<String> anySecret = name -> true;
        return new RuleSetLoader(new Templates(100_000), ActionSettings.of(20, allowedHosts, false, anySecret,
                allowedPrivate, List.of()), Clock.systemUTC());
    }

    static String refused(String url, String why) {
        return P + "webhook.url: \"" + url + "\": " + why + "; requests may not go there unless "
                + "rules.urls.allowed-private covers it";
    }

    @Test
    void addressLiteralsInSpecialRangesAreRefusedWithoutAnAllowList() {
        RuleSetLoader open = loader(List.of(), List.of());
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("https://169.254.169.254/metadata/identity", "169.254.169.254 is a link-local address (cloud metadata endpoints)");
        cases.put("https://127.0.0.1:6379", "127.0.0.1 is a loopback address");
        cases.put("https://10.1.2.3/hook", "10.1.2.3 is a private address (RFC 1918)");
        cases.put("https://172.31.0.5/hook", "172.31.0.5 is a private address (RFC 1918)");
        cases.put("https://192.168.1.1/hook", "192.168.1.1 is a private address (RFC 1918)");
        cases.put("https://100.64.0.1/hook", "100.64.0.1 is a shared address (CGNAT, RFC 6598)");
        cases.put("https://0.0.0.0/hook", "0.0.0.0 is an unspecified (\"this network\") address");
        cases.put("https://168.63.129.16/machine", "168.63.129.16 is Azure's platform address (WireServer)");
        cases.put("https://[::1]/hook", "0:0:0:0:0:0:0:1 is a loopback address");
        cases.put("https://[fd00::1]/hook", "fd00:0:0:0:0:0:0:1 is a unique-local address (fc00::/7)");
        cases.put("https://[fe80::1]/hook", "fe80:0:0:0:0:0:0:1 is a link-local address");
        cases.put("https://[::]/hook", "0:0:0:0:0:0:0:0 is the unspecified address");
        cases.put("https://[::ffff:127.0.0.1]/hook", "127.0.0.1 is a loopback address");
        cases.put("https://[64:ff9b::a9fe:a9fe]/hook", "64:ff9b:0:0:0:0:a9fe:a9fe is an IPv6 form of 169.254.169.254, "
                + "a link-local address (cloud metadata endpoints)");
        cases.put("https://[2002:a00:1::1]/hook", "2002:a00:1:0:0:0:0:1 is an IPv6 form of 10.0.0.1, a private address "
                + "(RFC 1918)");
        cases.forEach((url, why) -> assertThat(errors(open, file(STATUS, webhook(url)))).as(url)
                .containsExactly(refused(url, why)));
        assertThat(errors(open, file(STATUS, "amlPipelineEndpoint: { url: \"https://169.254.169.254/p\", "
                + "experimentName: x }"))).containsExactly(P + "amlPipelineEndpoint.url: \"https://169.254.169.254/p\": "
                        + "169.254.169.254 is a link-local address (cloud metadata endpoints); requests may not go there "
                        + "unless rules.urls.allowed-private covers it");
        // Public addresses and names pass (names are checked when they are resolved, before each request).
        assertThat(errors(open, file(STATUS, webhook("https://20.50.2.1/hook")))).isEmpty();
        assertThat(errors(open, file(STATUS, webhook("https://[2603:1020::1]/hook")))).isEmpty();
        assertThat(errors(open, file(STATUS, webhook("https://hooks.contoso.com:8443/hook")))).isEmpty();
    }

    @Test
    void numbersThatAreNotDottedDecimalAreRefused() {
        RuleSetLoader open = loader(List.of(), List.of("127.0.0.0/8"));
        for (String host : List.of("2130706433", "0x7f000001", "0177.0.0.1", "017700000001")) {
            String url = "https://" + host + "/hook";
            assertThat(errors(open, file(STATUS, webhook(url)))).as(url).containsExactly(P + "webhook.url: \"" + url
                    + "\": host \"" + host + "\" is a number but not a dotted-decimal IPv4 address (a.b.c.d); "
                    + "resolvers read such forms (2130706433, 0x7f000001, 0177.0.0.1) differently, so they are refused");
        }
        // Forms java.net.URI does not read as a host at all.
        for (String url : List.of("https://127.1/hook", "https://0x7f.0.0.1/hook", "https://1.2.3.4.5/hook")) {
            assertThat(errors(open, file(STATUS, webhook(url))))
                    .containsExactly(P + "webhook.url: \"" + url + "\" is not an absolute URL with a host");
        }
    }

    @Test
    void allowedPrivateRangesLetTheirAddressesThrough() {
        RuleSetLoader inCluster = loader(List.of(), List.of("10.20.0.0/16", "127.0.0.1", "fd00::/8"));
        assertThat(errors(inCluster, file(STATUS, webhook("https://10.20.3.4/hook")))).isEmpty();
        assertThat(errors(inCluster, file(STATUS, webhook("https://127.0.0.1:8443/hook")))).isEmpty();
        assertThat(errors(inCluster, file(STATUS, webhook("https://[fd00::1]/hook")))).isEmpty();
        assertThat(errors(inCluster, file(STATUS, webhook("https://10.21.0.1/hook"))))
                .containsExactly(refused("https://10.21.0.1/hook", "10.21.0.1 is a private address (RFC 1918)"));
        assertThat(errors(inCluster, file(STATUS, webhook("https://127.0.0.2/hook"))))
                .containsExactly(refused("https://127.0.0.2/hook", "127.0.0.2 is a loopback address"));
        assertThat(errors(inCluster, file(STATUS, webhook("https://169.254.169.254/hook"))))
                .containsExactly(refused("https://169.254.169.254/hook",
                        "169.254.169.254 is a link-local address (cloud metadata endpoints)"));
    }

    @Test
    void allowListEntriesCarryPortsAndWithoutOneAllowTheDefaultPortOnly() {
        RuleSetLoader ports = loader(List.of("hooks.contoso.com", "hooks.contoso.com:8443", "*.api.azureml.ms:9443",
                "20.50.2.1:8080"), List.of());
        assertThat(errors(ports, file(STATUS, webhook("https://hooks.contoso.com/x")))).isEmpty();
        assertThat(errors(ports, file(STATUS, webhook("https://hooks.contoso.com:443/x")))).isEmpty();
        assertThat(errors(ports, file(STATUS, webhook("https://hooks.contoso.com:8443/x")))).isEmpty();
        assertThat(errors(ports, file(STATUS, webhook("https://westeurope.api.azureml.ms:9443/x")))).isEmpty();
        assertThat(errors(ports, file(STATUS, webhook("https://20.50.2.1:8080/x")))).isEmpty();
        String list = "[hooks.contoso.com, hooks.contoso.com:8443, *.api.azureml.ms:9443, 20.50.2.1:8080]";
        assertThat(errors(ports, file(STATUS, webhook("https://hooks.contoso.com:6379/x"))))
                .containsExactly(P + "webhook.url: host \"hooks.contoso.com\" port 6379 is not in rules.urls.allowed-hosts "
                        + list + " (an entry without a port allows port 443 only)");
        assertThat(errors(ports, file(STATUS, webhook("https://westeurope.api.azureml.ms/x"))))
                .containsExactly(P + "webhook.url: host \"westeurope.api.azureml.ms\" port 443 is not in "
                        + "rules.urls.allowed-hosts " + list + " (an entry without a port allows port 443 only)");
        assertThat(errors(ports, file(STATUS, webhook("https://20.50.2.1/x"))))
                .containsExactly(P + "webhook.url: host \"20.50.2.1\" port 443 is not in rules.urls.allowed-hosts "
                        + list + " (an entry without a port allows port 443 only)");
    }

    @Test
    void unreadableEntriesOfTheUrlSettingsAreConfigurationErrors() {
        Predicate<String> any = name -> true;
        assertThatThrownBy(() -> ActionSettings.of(20, List.of("hooks.contoso.com:99999"), false, any, List.of(),
                List.of())).hasMessage("\"hooks.contoso.com:99999\": the port must be 1 to 65535");
        assertThatThrownBy(() -> ActionSettings.of(20, List.of("https://hooks.contoso.com"), false, any, List.of(),
                List.of())).hasMessage("\"https://hooks.contoso.com\" is not a host, *.domain or either with :port");
        assertThatThrownBy(() -> ActionSettings.of(20, List.of(), false, any, List.of("10.0.0.0/33"), List.of()))
                .hasMessage("\"10.0.0.0/33\": the prefix length must be 0 to 32");
        assertThatThrownBy(() -> ActionSettings.of(20, List.of(), false, any, List.of("intranet"), List.of()))
                .hasMessage("\"intranet\" is not an IP address or range (a.b.c.d/n, x:y::/n)");
    }

    @Test
    void theLinterWarnsAboutSpecialAddressesItCannotKnowAreAllowed() {
        LoadResult result = RuleSetLoader.withDefaults().load(file(STATUS, webhook("https://127.0.0.1:6379/x")), "test");
        assertThat(result).isInstanceOf(LoadResult.Loaded.class);
        assertThat(result.warnings()).map(Object::toString).containsExactly(P + "webhook.url: \"https://127.0.0.1:6379/x\": "
                + "127.0.0.1 is a loopback address; the service refuses it unless rules.urls.allowed-private covers it");
    }
}
