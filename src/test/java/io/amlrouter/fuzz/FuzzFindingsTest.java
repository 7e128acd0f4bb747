package io.amlrouter.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.amlrouter.events.BodyFormat;
import io.amlrouter.events.EventDecodingException;
import io.amlrouter.events.Inbound;
import io.amlrouter.events.MlEvent;
import io.amlrouter.rules.diagnostics.Diagnostics;
import io.amlrouter.rules.filter.EventFilter;
import io.amlrouter.rules.filter.FilterParser;
import io.amlrouter.rules.filter.FilterResult;
import io.amlrouter.rules.template.CompiledTemplate;
import io.amlrouter.rules.template.RenderException;
import io.amlrouter.rules.template.TemplateContext;
import io.amlrouter.rules.template.TemplateScope;
import io.amlrouter.rules.template.Templates;

/**
 * The behaviour each fuzzing finding was fixed to, pinned with exact expectations (the corpus replay only proves that
 * nothing throws). One test per finding; docs/security.md lists them.
 */
class FuzzFindingsTest {

    @Test
    void aNumberBigDecimalCannotHoldIsADefect() {
        byte[] body = "[{\"id\":\"1\",\"eventType\":\"T\",\"data\":{\"k\":1e99999999999}}]"
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> FuzzFixtures.DECODER.decode(body, BodyFormat.JSON))
                .isInstanceOf(EventDecodingException.class)
                .hasMessageStartingWith("body: not valid JSON: a number cannot be read");
    }

    @Test
    void doubleEncodedValidationDataWithSuchANumberHasNoCode() {
        byte[] body = ("{\"id\":\"1\",\"eventType\":\"Microsoft.EventGrid.SubscriptionValidationEvent\","
                + "\"data\":\"{\\\"validationCode\\\":1e99999999999}\"}").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> FuzzFixtures.DECODER.decode(body, BodyFormat.CLOUDEVENT))
                .isInstanceOf(EventDecodingException.class)
                .hasMessage("data.validationCode: missing in the subscription validation event");
    }

    @Test
    void anyOfNestsAtMost32LevelsDeep() {
        Diagnostics ok = new Diagnostics();
        assertThat(FilterParser.parse(anyOfNested(32), "filter", ok)).isPresent();
        assertThat(ok.errors()).isEmpty();

        Diagnostics tooDeep = new Diagnostics();
        assertThat(FilterParser.parse(anyOfNested(33), "filter", tooDeep)).isEmpty();
        assertThat(tooDeep.errors()).singleElement().asString()
                .endsWith(".anyOf: anyOf nests more than 32 levels deep");

        Diagnostics farTooDeep = new Diagnostics();
        assertThat(FilterParser.parse(anyOfNested(100_000), "filter", farTooDeep)).isEmpty();
        assertThat(farTooDeep.errors()).hasSize(1);
    }

    @Test
    void aConstantTemplateLongerThanTheLimitIsALoadError() {
        Templates templates = new Templates(2_000);
        Diagnostics atLimit = new Diagnostics();
        assertThat(templates.compile("x".repeat(2_000), false, "subject", TemplateScope.ANY, atLimit)).isPresent();

        Diagnostics over = new Diagnostics();
        assertThat(templates.compile("x".repeat(2_001), false, "subject", TemplateScope.ANY, over)).isEmpty();
        assertThat(over.errors()).singleElement().asString()
                .isEqualTo("subject: the text is 2001 characters, more than the limit of 2000");
    }

    @Test
    void valuesNestedDeeperThanJacksonWritesAreShownCut() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        JsonNode deep = f.numberNode(1);
        for (int i = 0; i < 1_001; i++) {
            deep = f.arrayNode().add(deep);
        }
        Diagnostics d = new Diagnostics();
        assertThat(FilterParser.parse(f.objectNode().set("subjectBeginsWith", deep), "filter", d)).isEmpty();
        assertThat(d.errors()).singleElement().asString().isEqualTo("filter.subjectBeginsWith: […] is not a string");

        EventFilter filter = FilterParser.parse(f.objectNode().set("advancedFilters", f.arrayNode().add(f.objectNode()
                .put("operatorType", "StringIn").put("key", "data.a").set("values", f.arrayNode().add("x")))),
                "filter", new Diagnostics()).orElseThrow();
        ObjectNode event = f.objectNode().put("id", "1").put("eventType", "T");
        event.set("data", f.objectNode().set("a", deep));
        assertThat(filter.matches(event)).isFalse();
        FilterResult result = filter.explain(event);
        assertThat(result).isInstanceOf(FilterResult.NotMatched.class);
        assertThat(((FilterResult.NotMatched) result).mismatch().reason()).startsWith("data.a is an array ([…])");
    }

    @Test
    void aHugeValueIsShownCutWithoutPrintingItWhole() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        JsonNode big = f.textNode("x".repeat(100_000));
        ArrayNode twoBillionChars = f.arrayNode();
        for (int i = 0; i < 20_000; i++) {
            twoBillionChars.add(big);
        }
        EventFilter filter = FilterParser.parse(f.objectNode().set("advancedFilters", f.arrayNode().add(f.objectNode()
                .put("operatorType", "StringIn").put("key", "data.a").set("values", f.arrayNode().add("x")))),
                "filter", new Diagnostics()).orElseThrow();
        ObjectNode event = f.objectNode().put("id", "1").put("eventType", "T");
        event.set("data", f.objectNode().set("a", twoBillionChars));
        FilterResult result = filter.explain(event);
        assertThat(((FilterResult.NotMatched) result).mismatch().reason())
                .isEqualTo("data.a is an array ([\"" + "x".repeat(77) + "…); StringIn ignores arrays unless "
                        + "enableAdvancedFilteringOnArrays is true");
    }

    @Test
    void loopsRefuseNumbersAndStopAfter1000Iterations() throws Exception {
        Templates templates = new Templates(100_000);
        MlEvent event = ((Inbound.Notification) FuzzFixtures.DECODER.decode(("{\"id\":\"1\",\"eventType\":\"T\","
                + "\"data\":{\"n\":2000000000,\"list\":" + IntStream.range(0, 32).boxed().toList()
                + "}}").getBytes(StandardCharsets.UTF_8), BodyFormat.JSON).get(0)).event();
        TemplateContext context = new TemplateContext(event, "r", null);

        for (String source : new String[] { "{#for i in 2000000000}{/for}", "{#for i in event.data.n}{/for}" }) {
            CompiledTemplate t = templates.compile(source, false, "t", TemplateScope.ANY, new Diagnostics()).orElseThrow();
            assertThatThrownBy(() -> t.render(context)).isInstanceOf(RenderException.class)
                    .hasMessageContaining("loops go over lists and maps, not over the number 2000000000");
        }
        CompiledTemplate ok = templates.compile("{#for a in event.data.list}{#for b in event.data.list}{/for}{/for}",
                false, "t", TemplateScope.ANY, new Diagnostics()).orElseThrow();
        assertThatThrownBy(() -> ok.render(context)).isInstanceOf(RenderException.class)
                .hasMessageContaining("loops would run more than 1000 times");
        CompiledTemplate small = templates.compile("{#for a in event.data.list}{#for b in event.data.list}"
                + "{#if b == 0}{a},{/if}{/for}{/for}", false, "t", TemplateScope.ANY, new Diagnostics()).orElseThrow();
        MlEvent smaller = ((Inbound.Notification) FuzzFixtures.DECODER.decode(("{\"id\":\"1\",\"eventType\":\"T\","
                + "\"data\":{\"list\":" + IntStream.range(0, 31).boxed().toList() + "}}")
                .getBytes(StandardCharsets.UTF_8), BodyFormat.JSON).get(0)).event();
        assertThat(small.render(new TemplateContext(smaller, "r", null))).startsWith("0,1,2,").endsWith(",30,");
    }

    /** {"anyOf":[{"anyOf":[ ... {"subjectBeginsWith":"x"} ... ]}]} with {@code levels} anyOf keys. */
    static JsonNode anyOfNested(int levels) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode node = f.objectNode().put("subjectBeginsWith", "x");
        for (int i = 0; i < levels; i++) {
            ObjectNode outer = f.objectNode();
            outer.set("anyOf", f.arrayNode().add(node));
            node = outer;
        }
        return node;
    }
}
