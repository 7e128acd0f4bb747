package io.amlrouter.rules.filter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.amlrouter.rules.diagnostics.Diagnostics;
import io.amlrouter.rules.diagnostics.Violation;

/**
 * The long parser rows: every file under {@code testdata/filters/{good,bad}/} holds a {@code filter} and the exact
 * {@code errors} and {@code warnings} it must produce when loaded at {@code rules[0].filter}.
 */
class FilterFixturesTest {

    static Stream<Named<Path>> fixtures() throws IOException, URISyntaxException {
        Path root = Path.of(FilterFixturesTest.class.getResource("/testdata/filters").toURI());
        try (Stream<Path> files = Files.walk(root)) {
            List<Path> found = files.filter(Files::isRegularFile).sorted().toList();
            assertThat(found).hasSizeGreaterThanOrEqualTo(8);
            return found.stream().map(file -> Named.of(root.relativize(file).toString(), file));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void fixtureProducesExactlyItsViolations(Path file) throws IOException {
        JsonNode fixture = file.toString().endsWith(".json") ? TestData.JSON.readTree(file.toFile())
                : TestData.YAML.readTree(file.toFile());
        Diagnostics diagnostics = new Diagnostics();
        Optional<EventFilter> filter = FilterParser.parse(fixture.get("filter"), "rules[0].filter", diagnostics);
        assertThat(diagnostics.errors()).extracting(Violation::toString)
                .containsExactlyElementsOf(strings(fixture.get("errors")));
        assertThat(diagnostics.warnings()).extracting(Violation::toString)
                .containsExactlyElementsOf(strings(fixture.get("warnings")));
        boolean good = file.getParent().getFileName().toString().equals("good");
        assertThat(filter.isPresent()).as("compiled").isEqualTo(good);
        assertThat(diagnostics.hasErrors()).isEqualTo(!good);
    }

    private static List<String> strings(JsonNode list) {
        List<String> strings = new ArrayList<>();
        list.forEach(item -> strings.add(item.textValue()));
        return strings;
    }
}
