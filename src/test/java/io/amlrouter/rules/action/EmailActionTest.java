package io.amlrouter.rules.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.amlrouter.events.MlEvent;
import io.amlrouter.rules.Rule;
import io.amlrouter.rules.diagnostics.Violation;
import io.amlrouter.rules.load.LoadResult;
import io.amlrouter.rules.load.RuleSetLoader;
import io.amlrouter.rules.template.RenderException;
import io.amlrouter.rules.template.Templates;
import io.amlrouter.support.EventFixtures;

/**
 * The {@code email} action as the rules file declares it: what the loader refuses (with the path of the
 * offending key) and what rendering guarantees for the mail's headers.
 */
class EmailActionTest {

    static final RuleSetLoader LOADER = new RuleSetLoader(new Templates(100_000),
            new ActionSettings(4, List.of(), false), Clock.systemUTC());

    static final String RUN_FILTER = """
                filter:
                  includedEventTypes: [Microsoft.MachineLearningServices.RunStatusChanged]
            """;

    static String rule(String filter, String email) {
        return "rules:\n  - name: mail-team\n" + filter + "    actions:\n      - email:\n" + email.indent(10);
    }

    static List<String> errors(String yaml) {
        LoadResult result = LOADER.load(yaml, "test");
        assertThat(result).as("expected the rules to be refused").isInstanceOf(LoadResult.Invalid.class);
        return ((LoadResult.Invalid) result).errors().stream().map(Violation::toString).toList();
    }

    static EmailAction load(String yaml) {
        LoadResult result = LOADER.load(yaml, "test");
        assertThat(result).as(result.toString()).isInstanceOf(LoadResult.Loaded.class);
        Rule rule = ((LoadResult.Loaded) result).ruleSet().rules().get(0);
        return (EmailAction) rule.actions().get(0);
    }

    static RenderedEmail render(EmailAction action, ObjectNode event) throws RenderException {
        MlEvent e = EventFixtures.decode(event);
        return (RenderedEmail) action.render(new ActionContext(e, "mail-team", null, 0));
    }

    @Test
    void aPlaceholderNamingAMissingPropertyIsALoadError() {
        assertThat(errors("""
                rules:
                  - name: announce-models
                    filter:
                      includedEventTypes: [Microsoft.MachineLearningServices.ModelRegistered]
                    actions:
                      - email:
                          to: [mlops@contoso.com]
                          subject: "Model {event.data.modelName} v{event.data.modelVersoin}"
                          template: model-registered
                """)).containsExactly("rules[0].actions[0].email.subject: placeholder {event.data.modelVersoin}: "
                + "Microsoft.MachineLearningServices.ModelRegistered has no data member \"modelVersoin\"; it has "
                + "[modelName, modelVersion, modelTags, modelProperties]");
    }

    @Test
    void everyBadPlaceholderOfInlineBodiesAndRecipientsIsReportedAtOnce() {
        assertThat(errors(rule(RUN_FILTER, """
                to: ["{event.data.runTags.owner}", "{event.data.owner}"]
                subject: "Run {event.data.runId} {event.studio}"
                html: "<p>{event.data.experiment}</p>"
                text: "{rule.team}"
                """))).containsExactly(
                "rules[0].actions[0].email.to[1]: placeholder {event.data.owner}: "
                        + "Microsoft.MachineLearningServices.RunStatusChanged has no data member \"owner\"; it has "
                        + "[experimentId, experimentName, runId, runType, runTags, runProperties, runStatus]",
                "rules[0].actions[0].email.subject: placeholder {event.studio}: event has no property \"studio\"; "
                        + "it has [id, type, subject, time, topic, source, dataVersion, schema, workspace, studioUrl, data]",
                "rules[0].actions[0].email.html: placeholder {event.data.experiment}: "
                        + "Microsoft.MachineLearningServices.RunStatusChanged has no data member \"experiment\"; it has "
                        + "[experimentId, experimentName, runId, runType, runTags, runProperties, runStatus]",
                "rules[0].actions[0].email.text: placeholder {rule.team}: rule has the properties [name, description]");
    }

    @Test
    void aBuiltInTemplateMustFitTheEventTypesTheRuleCanMatch() {
        assertThat(errors(rule(RUN_FILTER, "to: [mlops@contoso.com]\ntemplate: drift\n"))).singleElement().asString()
                .isEqualTo("rules[0].actions[0].email.template: template \"drift\" is made for "
                        + "[Microsoft.MachineLearningServices.DatasetDriftDetected], but this rule can match "
                        + "[Microsoft.MachineLearningServices.RunStatusChanged]; limit filter.includedEventTypes or use "
                        + "template \"generic\"");
        assertThat(errors(rule("", "to: [mlops@contoso.com]\ntemplate: run-status\n"))).singleElement().asString()
                .contains("but this rule can match any event type");
        assertThat(errors(rule(RUN_FILTER, "to: [mlops@contoso.com]\ntemplate: run-failed\n"))).singleElement()
                .asString().contains("unknown template \"run-failed\"; built-in templates: run-status, run-completed");
        assertThat(load(rule("", "to: [mlops@contoso.com]\ntemplate: generic\n")).template()).isEqualTo("generic");
    }

    @Test
    void staticAddressesAreValidatedAtLoad() {
        assertThat(errors(rule(RUN_FILTER, """
                to: [mlops@contoso.com, "ml ops <mlops@contoso.com>"]
                cc: "oncall@contoso"
                bcc: ["audit@contoso.com; not-an-address"]
                template: run-status
                """))).containsExactly(
                "rules[0].actions[0].email.to[1]: \"ml ops <mlops@contoso.com>\" is not a mail address",
                "rules[0].actions[0].email.cc: \"oncall@contoso\" is not a mail address",
                "rules[0].actions[0].email.bcc[0]: \"not-an-address\" is not a mail address");
    }

    @Test
    void theRecipientCapHoldsAtLoadForStaticAddressesAndAtRenderForTemplatedOnes() throws Exception {
        assertThat(errors(rule(RUN_FILTER, """
                to: [a@contoso.com, b@contoso.com, c@contoso.com]
                cc: [d@contoso.com, e@contoso.com]
                template: run-status
                """))).containsExactly("rules[0].actions[0].email: 5 recipients, more than the limit of 4 "
                + "(rules.max-recipients)");

        EmailAction action = load(rule(RUN_FILTER, """
                to: [mlops@contoso.com]
                cc: ["{event.data.runTags.owners}"]
                template: run-status
                """));
        ObjectNode event = EventFixtures.event("eventgrid/RunStatusChanged.json");
        EventFixtures.data(event).putObject("runTags").put("owners", "a@contoso.com, b@contoso.com; c@contoso.com");
        assertThat(render(action, event).cc()).containsExactly("a@contoso.com", "b@contoso.com", "c@contoso.com");
        EventFixtures.data(event).putObject("runTags").put("owners", "a@contoso.com,b@contoso.com,c@contoso.com,"
                + "d@contoso.com");
        assertThatThrownBy(() -> render(action, event)).isInstanceOf(RenderException.class)
                .hasMessage("5 recipients, more than the limit of 4");
    }

    @Test
    void renderedHeadersHoldOneLineAndTemplatedAddressesAreValidated() throws Exception {
        EmailAction action = load(rule(RUN_FILTER, """
                to: ["{event.data.runTags.owner ?: 'mlops@contoso.com'}"]
                subject: "Run {event.data.runId} failed in {event.data.experimentName}"
                template: run-status
                """));
        ObjectNode event = EventFixtures.event("eventgrid/RunStatusChanged.json");
        EventFixtures.data(event).put("experimentName", "x\r\nBcc: attacker@evil.test\u0000\u2028X-Evil: 1\t");
        RenderedEmail mail = render(action, event);
        assertThat(mail.subject()).isEqualTo("Run AutoML_3c8e1f47-5b2a-4d9c-8e6f-1a0b7c4d2e95_7 failed in x Bcc: "
                + "attacker@evil.test X-Evil: 1");
        assertThat(mail.to()).containsExactly("mlops@contoso.com");
        assertThat(mail.text()).contains("RUN FAILED");
        assertThat(mail.html()).contains("x\r\nBcc: attacker@evil.test");

        for (String owner : List.of("dana@contoso.com\r\nBcc: attacker@evil.test", "dana@contoso.com>\nX-Evil: 1",
                "\"Dana\" <dana@contoso.com>", "dana")) {
            EventFixtures.data(event).putObject("runTags").put("owner", owner);
            assertThatThrownBy(() -> render(action, event)).as(owner).isInstanceOf(RenderException.class)
                    .hasMessageContaining("is not a mail address");
        }
        EventFixtures.data(event).putObject("runTags").put("owner", " ; ");
        assertThatThrownBy(() -> render(action, event)).isInstanceOf(RenderException.class)
                .hasMessage("no recipient in \"to\" after rendering");
    }

    @Test
    void aBuiltInTemplateOrInlineBodiesNotBoth() {
        assertThat(errors(rule(RUN_FILTER, "to: [mlops@contoso.com]\ntemplate: run-status\ntext: hi\n")))
                .containsExactly("rules[0].actions[0].email: give either \"template\" (a built-in) or inline "
                        + "\"html\"/\"text\", not both");
        assertThat(errors(rule(RUN_FILTER, "to: [mlops@contoso.com]\ntext: \"Run {event.data.runId}\"\n")))
                .containsExactly("rules[0].actions[0].email.subject: is required with inline html/text");
        assertThat(errors(rule(RUN_FILTER, "to: [mlops@contoso.com]\n"))).singleElement().asString()
                .startsWith("rules[0].actions[0].email: needs \"template\" (one of run-status, ");
        assertThat(errors(rule(RUN_FILTER, "to: [mlops@contoso.com]\ntemplate: run-status\nreplyTo: x@contoso.com\n")))
                .singleElement().asString().startsWith("rules[0].actions[0].email.replyTo: unknown key");
    }

    @Test
    void inlineBodiesRenderWithTheirOwnSubjectAndEscapeHtml() throws Exception {
        EmailAction action = load(rule(RUN_FILTER, """
                to: [mlops@contoso.com]
                subject: "{event.data.runStatus}: {event.data.runId}"
                html: "<p>Run <b>{event.data.experimentName}</b></p>"
                text: "Run {event.data.experimentName}"
                """));
        ObjectNode event = EventFixtures.event("eventgrid/RunStatusChanged.json");
        EventFixtures.data(event).put("experimentName", "<i>x</i>");
        RenderedEmail mail = render(action, event);
        assertThat(mail.subject()).isEqualTo("Failed: AutoML_3c8e1f47-5b2a-4d9c-8e6f-1a0b7c4d2e95_7");
        assertThat(mail.html()).isEqualTo("<p>Run <b>&lt;i&gt;x&lt;/i&gt;</b></p>");
        assertThat(mail.text()).isEqualTo("Run <i>x</i>");
    }

    @Test
    void recipientDomainsRefuseFixedOutsidersAtLoadAndLeaveOutTemplatedOnes() throws Exception {
        RuleSetLoader domains = new RuleSetLoader(new Templates(100_000), ActionSettings.of(20, List.of(), false, null,
                List.of(), List.of("contoso.com", "*.corp.contoso.com")), Clock.systemUTC());
        LoadResult refused = domains.load(rule(RUN_FILTER, "to: [mlops@contoso.com, partner@fabrikam.example]\n"
                + "template: run-status\n"), "test");
        assertThat(((LoadResult.Invalid) refused).errors()).map(Violation::toString).containsExactly(
                "rules[0].actions[0].email.to[1]: \"partner@fabrikam.example\" is outside rules.allowed-recipient-domains "
                        + "[contoso.com, *.corp.contoso.com]");

        LoadResult loaded = domains.load(rule(RUN_FILTER, """
                to: [mlops@contoso.com, "{event.data.runTags.owner}"]
                cc: ["{event.data.runTags.cc}"]
                template: run-status
                """), "test");
        EmailAction action = (EmailAction) ((LoadResult.Loaded) loaded).ruleSet().rules().get(0).actions().get(0);
        ObjectNode event = EventFixtures.event("eventgrid/RunStatusChanged.json");
        EventFixtures.data(event).putObject("runTags").put("owner", "eve@fabrikam.example, dana@ml.corp.contoso.com")
                .put("cc", "not-an-address");
        RenderedEmail mail = render(action, event);
        assertThat(mail.to()).containsExactly("mlops@contoso.com", "dana@ml.corp.contoso.com");
        assertThat(mail.cc()).isEmpty();
        assertThat(mail.leftOut()).containsExactly(
                "to: \"eve@fabrikam.example\" (from {event.data.runTags.owner}) is outside rules.allowed-recipient-domains "
                        + "[contoso.com, *.corp.contoso.com]",
                "cc: \"not-an-address\" (from {event.data.runTags.cc}) is not a mail address");
    }
}
