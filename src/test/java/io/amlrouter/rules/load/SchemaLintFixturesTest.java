package io.amlrouter.rules.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.amlrouter.rules.diagnostics.Violation;

/**
 * The lint's checks against the event schema, pinned by fixtures: each file under testdata/lint/schema gives every
 * error ({@code # expect: error <path>: <message>}) and warning ({@code # expect: warning ...}) the loader must report,
 * in order and nothing else; a file without expectations loads without a warning.
 */
class SchemaLintFixturesTest {

    static final Path DIR = Path.of("src/test/resources/testdata/lint/schema");

    static Stream<Path> fixtures() throws IOException {
        return RuleSetLoaderTest.files(DIR);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void reportsExactlyTheExpectedFindings(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        List<String> errors = expected(lines, "# expect: error ");
        List<String> warnings = expected(lines, "# expect: warning ");
        LoadResult result = RuleSetLoader.withDefaults().load(Files.readAllBytes(file), file.toString());
        if (errors.isEmpty()) {
            assertThat(result).as(() -> result.toString()).isInstanceOf(LoadResult.Loaded.class);
        } else {
            assertThat(result).isInstanceOf(LoadResult.Invalid.class);
            assertThat(((LoadResult.Invalid) result).errors()).map(Violation::toString).containsExactlyElementsOf(errors);
        }
        assertThat(result.warnings()).map(Violation::toString).containsExactlyElementsOf(warnings);
    }

    private static List<String> expected(List<String> lines, String prefix) {
        return lines.stream().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length())).toList();
    }
}
