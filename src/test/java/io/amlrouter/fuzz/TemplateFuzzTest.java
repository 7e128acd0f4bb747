package io.amlrouter.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.amlrouter.events.EventTypes;
import io.amlrouter.events.MlEvent;
import io.amlrouter.rules.diagnostics.Diagnostics;
import io.amlrouter.rules.template.CompiledTemplate;
import io.amlrouter.rules.template.RenderException;
import io.amlrouter.rules.template.TemplateContext;
import io.amlrouter.rules.template.TemplateScope;
import io.amlrouter.rules.template.Templates;

/**
 * Fuzzes the template compiler and renderer: the whole input is a template source (UTF-8), compiled as text and as
 * HTML, unscoped and scoped to run events, and rendered against one Azure ML fixture event of each type.
 *
 * <p>
 * Asserts: {@code compile} never throws (problems are diagnostics); {@code render} returns or throws
 * {@link RenderException} and nothing else (no {@link StackOverflowError}, no {@link OutOfMemoryError}); the output is
 * never longer than the limit. Two limits are used: the service's 100,000 characters and 2,000, which fuzz inputs
 * (at most a few KB) can actually exceed.
 *
 * <p>
 * Seeds: the inputs directory (hand-written templates and past findings) and the built-in mail templates.
 */
class TemplateFuzzTest {

    private static final List<Templates> ENGINES = List.of(new Templates(100_000), new Templates(2_000));
    private static final TemplateScope RUN_STATUS = TemplateScope.of(List.of(EventTypes.RUN_STATUS_CHANGED));
    private static final List<MlEvent> RUN_STATUS_EVENTS = FuzzFixtures.EVENTS.stream()
            .filter(e -> e.type().equalsIgnoreCase(EventTypes.RUN_STATUS_CHANGED)).toList();
    /** One fixture per event type (the first in file order): the other fixtures vary casing, which renders alike. */
    private static final List<MlEvent> ONE_PER_TYPE = FuzzFixtures.EVENTS.stream()
            .collect(Collectors.toMap(e -> e.type().toLowerCase(Locale.ROOT), e -> e,
                    (a, b) -> a, LinkedHashMap::new))
            .values().stream().toList();

    static Stream<Arguments> builtInTemplates() {
        return FuzzSeeds.files("src/main/resources/email-templates", ".html", ".txt", ".subject");
    }

    @MethodSource("builtInTemplates")
    @DictionaryEntries({ "{event.id}", "{event.type}", "{event.subject}", "{event.time}", "{event.topic}",
            "{event.source}", "{event.dataVersion}", "{event.schema}", "{event.studioUrl}", "{event.data}",
            "{event.workspace.name}", "{event.workspace.id}", "{event.data.runId}", "{event.data.runTags}",
            "{event.data.runProperties.iteration}", "{rule.name}", "{rule.description}", "{#for x in ", "{/for}",
            "{#each event.data}", "{/each}", "{it}", "{#if ", "{#else}", "{/if}", "{#let x=", "{/let}", " ?: ",
            ".or(", ".orEmpty", ".size", ".isEmpty", ".ifTruthy(", "{x_count}", "{x_hasNext}", "{! comment !}",
            "{|", "|}", "{#include ", "{#insert}", "{#switch ", "{#case ", "{#when ", "{#is ", "{inject:", "{cdi:",
            "{str:", " && ", " || ", " gt ", " == ", "1000000", "{#for i in 100}" })
    @FuzzTest(maxDuration = "5m")
    void compileAndRenderWithinBounds(byte[] input) {
        String source = new String(input, StandardCharsets.UTF_8);
        for (Templates engine : ENGINES) {
            for (boolean html : new boolean[] { false, true }) {
                compileAndRender(engine, source, html, TemplateScope.ANY, ONE_PER_TYPE);
                compileAndRender(engine, source, html, RUN_STATUS, RUN_STATUS_EVENTS);
            }
        }
    }

    private static void compileAndRender(Templates engine, String source, boolean html, TemplateScope scope,
            List<MlEvent> events) {
        Diagnostics diagnostics = new Diagnostics();
        Optional<CompiledTemplate> compiled = engine.compile(source, html, "rules[0].actions[0].email.subject", scope,
                diagnostics);
        if (compiled.isPresent() == diagnostics.hasErrors()) {
            throw new AssertionError("compile returned " + compiled + " with errors " + diagnostics.errors());
        }
        if (compiled.isEmpty()) {
            return;
        }
        for (int i = 0; i < events.size(); i++) {
            String description = i % 2 == 0 ? null : "<b>ops</b> & \"co\"";
            String out;
            try {
                out = compiled.get().render(new TemplateContext(events.get(i), "fuzz-rule", description));
            } catch (RenderException e) {
                continue;
            }
            if (out == null || out.length() > engine.maxOutputChars()) {
                throw new AssertionError("rendered " + (out == null ? "null" : out.length() + " characters")
                        + " with a limit of " + engine.maxOutputChars());
            }
        }
    }
}
