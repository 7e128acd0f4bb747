package io.amlrouter.rules.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.amlrouter.events.BodyFormat;
import io.amlrouter.events.EventDecoder;
import io.amlrouter.events.EventTypes;
import io.amlrouter.events.Inbound;
import io.amlrouter.events.JsonLimits;
import io.amlrouter.events.MlEvent;
import io.amlrouter.events.MlEventMapper;
import io.amlrouter.rules.diagnostics.Diagnostics;
import io.amlrouter.support.TestData;

class TemplatesTest {

    static final Templates TEMPLATES = new Templates(10_000);
    static final TemplateScope STATUS = TemplateScope.of(List.of(EventTypes.RUN_STATUS_CHANGED));

    static MlEvent event(String fixture) throws Exception {
        byte[] body = fixture.startsWith("{") ? fixture.getBytes(java.nio.charset.StandardCharsets.UTF_8)
                : TestData.bytes(fixture);
        EventDecoder decoder = new EventDecoder(JsonLimits.defaults(), new MlEventMapper("https://ml.azure.com"));
        return ((Inbound.Notification) decoder.decode(body, BodyFormat.JSON).get(0)).event();
    }

    static String render(String source, boolean html, TemplateScope scope, String fixture) throws Exception {
        Diagnostics d = new Diagnostics();
        CompiledTemplate t = TEMPLATES.compile(source, html, "t", scope, d).orElseThrow(() -> new AssertionError(d));
        return t.render(new TemplateContext(event(fixture), "mail-failed-runs", "desc"));
    }

    static List<String> errors(String source, TemplateScope scope) {
        Diagnostics d = new Diagnostics();
        TEMPLATES.compile(source, false, "rules[0].actions[0].email.subject", scope, d);
        return d.errors().stream().map(Object::toString).toList();
    }

    @Test
    void rendersEventRuleWorkspaceAndDataInAnyCasing() throws Exception {
        String out = render("Run {event.data.runId} {event.data.RunStatus} in {event.data.experimentName} "
                + "({event.workspace.name}/{event.workspace.resourceGroup}) by {rule.name}: {event.studioUrl}",
                false, STATUS, "events/eventgrid/RunStatusChanged.json");
        assertThat(out).isEqualTo("Run AutoML_3c8e1f47-5b2a-4d9c-8e6f-1a0b7c4d2e95_7 Failed in fraud-automl-sweep "
                + "(mlw-fraud-weu/rg-mlops-prod) by mail-failed-runs: https://ml.azure.com/runs/"
                + "AutoML_3c8e1f47-5b2a-4d9c-8e6f-1a0b7c4d2e95_7?wsid=/subscriptions/5d2c8e71-94ab-4f3e-b0c6-1a7e3f9d2b48"
                + "/resourcegroups/rg-mlops-prod/workspaces/mlw-fraud-weu");
    }

    @Test
    void defaultsWithElvisAndMapMembers() throws Exception {
        assertThat(render("{event.data.runTags.owner ?: 'mlops@contoso.com'} {event.data.runProperties.iteration}",
                false, STATUS, "events/eventgrid/RunStatusChanged.json")).isEqualTo("mlops@contoso.com 7");
    }

    @Test
    void numbersAndPascalCaseData() throws Exception {
        assertThat(render("{event.data.driftCoefficient} {event.data.dataDriftName}", false,
                TemplateScope.of(List.of(EventTypes.DATASET_DRIFT_DETECTED)),
                "events/eventgrid/DatasetDriftDetected.pascal.json"))
                .isEqualTo("0.6281934407162297 transactions-drift-monitor");
    }

    @Test
    void aMissingValueFailsTheRenderInsteadOfLeavingABlank() {
        assertThatThrownBy(() -> render("owner: {event.data.runTags.owner}", false, STATUS,
                "events/eventgrid/RunStatusChanged.json"))
                .isInstanceOf(RenderException.class).hasMessageContaining("owner");
    }

    @Test
    void aJsonNullIsNoValueEither() throws Exception {
        String event = "{\"id\":\"x\",\"eventType\":\"T\",\"data\":{\"runType\":null}}";
        assertThatThrownBy(() -> render("type {event.data.runType}", false, TemplateScope.ANY, event))
                .isInstanceOf(RenderException.class).hasMessageContaining("runType");
        assertThat(render("{event.data.runType ?: 'none'} {#if event.data.runType??}set{#else}unset{/if}", false,
                TemplateScope.ANY, event)).isEqualTo("none unset");
    }

    @Test
    void jsonObjectsLoopAsEntriesAndTestEmptyAsFalse() throws Exception {
        String event = "{\"id\":\"x\",\"eventType\":\"T\",\"data\":{\"tags\":{\"owner\":\"dana\",\"size\":\"L\"},"
                + "\"empty\":{}}}";
        assertThat(render("{#for t in event.data.tags}{t.key}={t.value}{#if t_hasNext},{/if}{/for} {event.data.tags.size} "
                + "{#if event.data.empty}full{#else}empty{/if} {#for t in event.data.missing.orEmpty}x{#else}none{/for} "
                + "{event.data.empty}", false, TemplateScope.ANY, event)).isEqualTo("owner=dana,size=L L empty none {}");
    }

    @Test
    void htmlTemplatesEscapeEventValues() throws Exception {
        String out = render("<b>{event.data.runTags.note}</b>", true, TemplateScope.ANY,
                "{\"id\":\"x\",\"eventType\":\"T\",\"data\":{\"runTags\":{\"note\":\"<script>alert('x')</script> & co\"}}}");
        assertThat(out).isEqualTo("<b>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co</b>");
    }

    @Test
    void loadTimeChecksNameEveryBadPlaceholder() {
        assertThat(errors("{event.data.nope}", STATUS)).containsExactly(
                "rules[0].actions[0].email.subject: placeholder {event.data.nope}: "
                        + "Microsoft.MachineLearningServices.RunStatusChanged has no data member \"nope\"; it has "
                        + "[experimentId, experimentName, runId, runType, runTags, runProperties, runStatus]");
        assertThat(errors("{event.foo}", STATUS)).singleElement().asString().contains("event has no property \"foo\"");
        assertThat(errors("{event.data.runId.x}", STATUS)).singleElement().asString()
                .contains("is a single value; \".x\" cannot follow it");
        assertThat(errors("{event.studioUrl}", TemplateScope.of(List.of(EventTypes.MODEL_REGISTERED))))
                .singleElement().asString().contains("only run and drift events have a studio link");
        assertThat(errors("{foo.bar}", STATUS)).singleElement().asString().contains("unknown name \"foo\"");
        assertThat(errors("{rule.owner}", STATUS)).singleElement().asString().contains("rule has the properties");
        assertThat(errors("{event.data.runId.toUpperCase()}", STATUS)).singleElement().asString()
                .contains("\"toUpperCase\" is not available");
        assertThat(errors("{inject:foo}", STATUS)).singleElement().asString().contains("namespaces are not available");
        assertThat(errors("{#if}", STATUS)).singleElement().asString().contains("template syntax error");
        assertThat(errors("{event.data.runTags.owner ?: event.data.nope}", STATUS)).singleElement().asString()
                .contains("no data member \"nope\"");
    }

    @Test
    void dataPlaceholdersOfUnrestrictedRulesWarn() {
        Diagnostics d = new Diagnostics();
        assertThat(TEMPLATES.compile("{event.data.a} {event.data.b}", false, "p", TemplateScope.ANY, d)).isPresent();
        assertThat(d.errors()).isEmpty();
        assertThat(d.warnings()).hasSize(1);
    }

    @Test
    void loopsOverJsonArraysAndLocals() throws Exception {
        assertThat(render("{#for m in event.data.models}{m.name}:{m_count};{/for}{#let x=event.id}{x}{/let}", false,
                TemplateScope.ANY, "{\"id\":\"x1\",\"eventType\":\"T\",\"data\":{\"models\":[{\"name\":\"a\"},{\"name\":\"b\"}]}}"))
                .isEqualTo("a:1;b:2;x1");
    }

    /** Issue 13 section 5: the error names the placeholder, the event and the missing member, and the way out. */
    @Test
    void aMissingValueSaysWhichFieldOfWhichEventAndHowToGiveADefault() {
        assertThatThrownBy(() -> render("owner: {event.data.runTags.owner}", false, STATUS,
                "events/eventgrid/RunStatusChanged.json"))
                .isInstanceOf(RenderException.class)
                .hasMessage("{event.data.runTags.owner}: event 91d07e3a-6c4b-4f25-a8e9-3b1c5d7f0a64 "
                        + "(Microsoft.MachineLearningServices.RunStatusChanged) has no value for \"owner\" "
                        + "(data.runTags.owner is missing or null). Give a default, {event.data.runTags.owner ?: 'none'} "
                        + "or {event.data.runTags.owner or 'none'}, or render it only when present: "
                        + "{#if event.data.runTags.owner??}...{/if}");
        // A member missing half-way names that member; no Java class names leak in any case.
        assertThatThrownBy(() -> render("{#if event.data.runTags.team.lead}x{/if}", false, STATUS,
                "events/eventgrid/RunStatusChanged.json"))
                .hasMessageStartingWith("{event.data.runTags.team.lead}: event 91d07e3a-6c4b-4f25-a8e9-3b1c5d7f0a64 "
                        + "(Microsoft.MachineLearningServices.RunStatusChanged) has no value for \"team\"")
                .hasMessageNotContaining("$").hasMessageNotContaining("io.amlrouter");
    }

    /** The defaults the message above suggests do render. */
    @Test
    void theSuggestedDefaultsRender() throws Exception {
        assertThat(render("{event.data.runTags.owner ?: 'none'} {event.data.runTags.owner or 'none'} "
                + "{#if event.data.runTags.owner??}set{/if}.", false, STATUS, "events/eventgrid/RunStatusChanged.json"))
                .isEqualTo("none none .");
    }
}
