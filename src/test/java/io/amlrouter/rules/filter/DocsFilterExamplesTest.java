package io.amlrouter.rules.filter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.amlrouter.rules.diagnostics.Diagnostics;

/**
 * Every filter example in {@code docs/rules.md} loads without errors or warnings: the YAML blocks (whole rules files,
 * {@code filter:} snippets, bare {@code advancedFilters:} lists) and the one-line examples of the operator table.
 */
class DocsFilterExamplesTest {

    private static final Path DOC = Path.of("docs/rules.md");

    static Stream<Named<JsonNode>> filters() throws IOException {
        String doc = Files.readString(DOC);
        List<Named<JsonNode>> filters = new ArrayList<>();
        Matcher blocks = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        int block = 0;
        while (blocks.find()) {
            JsonNode yaml = TestData.yaml(blocks.group(1));
            String name = "yaml block " + ++block;
            if (yaml.has("rules")) {
                assertThat(yaml.get("rules").isArray()).as(name).isTrue();
                for (JsonNode rule : yaml.get("rules")) {
                    assertThat(rule.has("name") && rule.has("actions")).as(name).isTrue();
                    filters.add(Named.of(name + " rule " + rule.get("name").textValue(), rule.get("filter")));
                }
            } else if (yaml.has("filter")) {
                assertThat(yaml.size()).as("%s has only filter", name).isEqualTo(1);
                filters.add(Named.of(name + " (filter snippet)", yaml.get("filter")));
            } else {
                assertThat(yaml.has("advancedFilters")).as(name).isTrue();
                filters.add(Named.of(name + " (advancedFilters snippet)", yaml));
            }
        }
        Matcher oneLiners = Pattern.compile("`(\\{ operatorType: (\\w+)[^`]*})`").matcher(doc);
        List<String> operators = new ArrayList<>();
        while (oneLiners.find()) {
            operators.add(oneLiners.group(2));
            filters.add(Named.of("table example " + oneLiners.group(2),
                    TestData.yaml("advancedFilters: [" + oneLiners.group(1) + "]")));
        }
        assertThat(block).isGreaterThanOrEqualTo(4);
        assertThat(operators).containsAll(
                Stream.of(OperatorType.values()).map(Enum::name).toList());
        return filters.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("filters")
    void documentedFilterLoads(JsonNode filter) {
        Diagnostics diagnostics = new Diagnostics();
        assertThat(FilterParser.parse(filter, "docs", diagnostics)).isPresent();
        assertThat(diagnostics.errors()).isEmpty();
        assertThat(diagnostics.warnings()).isEmpty();
    }
}
