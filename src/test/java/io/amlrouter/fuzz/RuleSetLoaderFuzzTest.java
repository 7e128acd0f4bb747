package io.amlrouter.fuzz;

import java.util.stream.Stream;

import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.amlrouter.rules.diagnostics.Violation;
import io.amlrouter.rules.load.LoadResult;
import io.amlrouter.rules.load.RuleSetLoader;

/**
 * Fuzzes the rules loader with raw bytes as a ConfigMap would hold them (YAML, JSON, or garbage).
 *
 * <p>
 * Asserts: {@link RuleSetLoader#load} never throws (no exception, no {@link StackOverflowError}); an invalid file
 * names at least one error; and a file that loads gives filters whose {@code matches} and {@code explain} agree and
 * actions that render within bounds or fail with {@code RenderException}, for every Azure ML fixture event.
 *
 * <p>
 * Seeds: the inputs directory (hand-written valid and invalid files and past findings), every YAML under
 * {@code src/test/resources/testdata/rules/} and the shipped {@code k8s/base/rules.yaml}.
 */
class RuleSetLoaderFuzzTest {

    private static final RuleSetLoader LOADER = RuleSetLoader.withDefaults();

    static Stream<Arguments> rulesFiles() {
        return Stream.concat(FuzzSeeds.files("src/test/resources/testdata/rules", ".yaml", ".yml"),
                FuzzSeeds.file("k8s/base/rules.yaml"));
    }

    @MethodSource("rulesFiles")
    @DictionaryEntries({ "rules:", "workspaces:", "- name: ", "description: ", "filter:", "actions:", "- email:",
            "to: ", "subject: ", "template: ", "html: ", "text: ", "includedEventTypes: ", "subjectBeginsWith: ",
            "advancedFilters:", "anyOf:", "operatorType: ", "key: ", "values: ", "value: ", "{event.data.runId}",
            "{rule.name}", "{#for x in event.data.runTags}", "{/for}", "{#if ", "{/if}", "&a ", "*a", "!!binary",
            "? ", "<<: ", "---", "...", "%YAML 1.1" })
    @FuzzTest(maxDuration = "5m")
    void loadNeverThrows(byte[] content) {
        LoadResult result = LOADER.load(content, "fuzz");
        if (result instanceof LoadResult.Loaded loaded) {
            RuleSetChecks.check(loaded.ruleSet(), FuzzFixtures.EVENTS);
            return;
        }
        LoadResult.Invalid invalid = (LoadResult.Invalid) result;
        if (invalid.errors().isEmpty()) {
            throw new AssertionError("Invalid without an error: " + invalid);
        }
        for (Violation v : invalid.errors()) {
            if (v.path() == null || v.message() == null || v.message().isBlank()) {
                throw new AssertionError("a violation without path or message: " + v);
            }
        }
    }
}
