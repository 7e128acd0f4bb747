package io.amlrouter.rules.action;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.amlrouter.events.MlEvent;
import io.amlrouter.rules.Rule;
import io.amlrouter.rules.load.LoadResult;
import io.amlrouter.rules.load.RuleSetLoader;
import io.amlrouter.rules.template.DigestView;
import io.amlrouter.support.EventFixtures;

/**
 * Grouped actions render digests: the built-in digest forms, a custom template's {@code digest.*} values and the
 * webhook's digest body list every event of the group, with its status and studio link.
 */
class DigestRenderingTest {

    static final RuleSetLoader LOADER = RuleSetLoader.withDefaults();

    static Rule rule(int index) throws Exception {
        LoadResult result = LOADER.load(Files.readAllBytes(Path.of("src/test/resources/testdata/rules/good/digests.yaml")),
                "digests.yaml");
        assertThat(result).as(result.toString()).isInstanceOf(LoadResult.Loaded.class);
        return ((LoadResult.Loaded) result).ruleSet().rules().get(index);
    }

    /** {@code n} failed step runs of one pipeline's experiment. */
    static List<MlEvent> failedSteps(int n) {
        List<MlEvent> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ObjectNode e = EventFixtures.fresh("eventgrid/RunStatusChanged.json");
            ObjectNode data = EventFixtures.data(e);
            data.put("runId", "step-run-" + i);
            data.put("runStatus", i == 0 ? "Canceled" : "Failed");
            events.add(EventFixtures.decode(e));
        }
        return events;
    }

    @Test
    void theRunStatusDigestListsEveryRunWithItsStatusAndStudioLink() throws Exception {
        Rule rule = rule(0);
        EmailAction action = (EmailAction) rule.actions().get(0);
        List<MlEvent> events = failedSteps(30);
        String key = action.group().orElseThrow().key(new ActionContext(events.get(0), rule.name(), null, 0).templates());
        assertThat(key).isEqualTo("fraud-automl-sweep");

        RenderedEmail mail = (RenderedEmail) action.renderDigest(new DigestView(key, events, 30), rule.name(), null);

        assertThat(mail.subject()).isEqualTo("[mlw-fraud-weu] 30 run status change(s) in fraud-automl-sweep");
        assertThat(mail.to()).containsExactly("mlops@contoso.com");
        for (int i = 0; i < 30; i++) {
            assertThat(mail.text()).contains("run step-run-" + i + " of experiment fraud-automl-sweep");
            assertThat(mail.html()).contains("step-run-" + i + "<br>");
            assertThat(mail.text()).contains("https://ml.azure.com/runs/step-run-" + i + "?wsid=");
        }
        assertThat(mail.text()).contains("- Canceled: run step-run-0").contains("- Failed: run step-run-29")
                .contains("grouped 30 event(s) with the key fraud-automl-sweep into this digest");
        assertThat(mail.html()).contains("30 run status change(s)").contains("href=\"https://ml.azure.com/runs/step-run-7?wsid=");
    }

    @Test
    void eventsCountedButNotListedAreSaid() throws Exception {
        Rule rule = rule(0);
        EmailAction action = (EmailAction) rule.actions().get(0);
        RenderedEmail mail = (RenderedEmail) action.renderDigest(new DigestView("x", failedSteps(2), 7), rule.name(), null);
        assertThat(mail.subject()).contains("7 run status change(s)");
        assertThat(mail.text()).contains("- and 5 more, counted but not listed.");
        assertThat(mail.html()).contains("and 5 more, counted but not listed.");
    }

    @Test
    void aCustomTemplateSeesTheDigest() throws Exception {
        Rule rule = rule(0);
        EmailAction action = (EmailAction) rule.actions().get(1);
        RenderedEmail mail = (RenderedEmail) action.renderDigest(new DigestView("k", failedSteps(3), 3), rule.name(), null);
        assertThat(mail.subject()).isEqualTo("3 failed runs in fraud-automl-sweep");
        assertThat(mail.text()).isEqualTo("step-run-0 Canceled\nstep-run-1 Failed\nstep-run-2 Failed\n");
    }

    @Test
    void theDryRunOfAGroupedMailShowsTheDigestOfThatOneEvent() throws Exception {
        Rule rule = rule(0);
        EmailAction action = (EmailAction) rule.actions().get(0);
        RenderedEmail mail = (RenderedEmail) action.render(new ActionContext(failedSteps(1).get(0), rule.name(), null, 0));
        assertThat(mail.subject()).isEqualTo("[mlw-fraud-weu] 1 run status change(s) in fraud-automl-sweep");
    }

    @Test
    void theWebhookDigestPostsOneBodyListingEveryEvent() throws Exception {
        Rule rule = rule(0);
        WebhookAction action = (WebhookAction) rule.actions().get(2);
        assertThat(action.group().orElseThrow().key(new ActionContext(failedSteps(1).get(0), rule.name(), null, 2)
                .templates())).isEmpty();
        RenderedWebhook call = (RenderedWebhook) action.renderDigest(new DigestView("", failedSteps(30), 30), rule.name(),
                null);
        JsonNode body = call.body();
        assertThat(body.get("digest").toString()).isEqualTo("{\"rule\":\"mail-failed-steps\",\"count\":30,\"more\":0}");
        assertThat(body.get("events")).hasSize(30);
        assertThat(body.get("events").get(29).toString()).isEqualTo("{\"run\":\"step-run-29\",\"status\":\"Failed\"}");
    }

    @Test
    void everyBuiltInTemplateHasADigestFormThatRenders() throws Exception {
        BuiltInEmailTemplates builtIns = new BuiltInEmailTemplates(new io.amlrouter.rules.template.Templates(100_000));
        List<MlEvent> events = failedSteps(2);
        for (String name : List.of("run-status", "generic")) {
            var digest = builtIns.digest(name).orElseThrow();
            var context = io.amlrouter.rules.template.TemplateContext.ofDigest(new DigestView("k", events, 2), "r", null);
            assertThat(digest.subject().render(context)).contains("2 ");
            assertThat(digest.text().render(context)).contains("https://ml.azure.com/runs/step-run-1?wsid=");
        }
        assertThat(builtIns.names()).allSatisfy(n -> assertThat(builtIns.digest(n)).isPresent());
    }

    @Test
    void aGroupIsOnlyForMailAndWebhookActions() {
        LoadResult result = LOADER.load("""
                rules:
                  - name: r
                    filter: {}
                    actions:
                      - adfPipelineRun: { factory: /subscriptions/s/resourceGroups/g/providers/Microsoft.DataFactory/factories/f, pipeline: p, group: {} }
                """, "test");
        assertThat(result).isInstanceOf(LoadResult.Invalid.class);
        assertThat(((LoadResult.Invalid) result).errors().toString()).contains("adfPipelineRun.group: unknown key \"group\"");
    }

}
