package io.amlrouter.rules.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.amlrouter.rules.RuleSet;
import io.amlrouter.rules.diagnostics.Violation;

/**
 * Every file under testdata/rules/good loads; every file under testdata/rules/bad fails with exactly
 * the violations its {@code # expect:} lines list, in order.
 */
class RuleSetLoaderTest {

    static final Path DIR = Path.of("src/test/resources/testdata/rules");
    static final RuleSetLoader LOADER = RuleSetLoader.withDefaults();

    static Stream<Path> good() throws IOException {
        return files(DIR.resolve("good"));
    }

    static Stream<Path> bad() throws IOException {
        return files(DIR.resolve("bad"));
    }

    static Stream<Path> files(Path dir) throws IOException {
        return Files.list(dir).filter(Files::isRegularFile).sorted();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("good")
    void goodFilesLoad(Path file) throws IOException {
        LoadResult result = LOADER.load(Files.readAllBytes(file), file.toString());
        assertThat(result).as(() -> result.toString()).isInstanceOf(LoadResult.Loaded.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bad")
    void badFilesFailWithExactlyTheExpectedViolations(Path file) throws IOException {
        List<String> expected = Files.readAllLines(file).stream().filter(l -> l.startsWith("# expect: "))
                .map(l -> l.substring("# expect: ".length())).toList();
        assertThat(expected).as("a bad fixture lists its violations").isNotEmpty();
        LoadResult result = LOADER.load(Files.readAllBytes(file), file.toString());
        assertThat(result).isInstanceOf(LoadResult.Invalid.class);
        assertThat(((LoadResult.Invalid) result).errors()).map(Violation::toString).containsExactlyElementsOf(expected);
    }

    @Test
    void theVersionIsTheContentHashAndRulesCompileOnce() {
        String yaml = "rules:\n  - name: a\n    actions: [ { email: { to: [a@contoso.com], template: generic } } ]\n";
        RuleSet one = ((LoadResult.Loaded) LOADER.load(yaml, "x")).ruleSet();
        RuleSet two = ((LoadResult.Loaded) LOADER.load(yaml, "y")).ruleSet();
        assertThat(one.version()).isEqualTo(two.version()).startsWith("sha256:").hasSize(7 + 64);
        RuleSet other = ((LoadResult.Loaded) LOADER.load(yaml + "# changed\n", "x")).ruleSet();
        assertThat(other.version()).isNotEqualTo(one.version());
    }

    @Test
    void aBillionLaughsFileIsNotExpanded() {
        StringBuilder yaml = new StringBuilder("a: &a [x,x,x,x,x,x,x,x,x,x]\n");
        for (char c = 'b'; c <= 'j'; c++) {
            yaml.append(c).append(": &").append(c).append(" [");
            for (int i = 0; i < 10; i++) {
                yaml.append(i == 0 ? "" : ",").append('*').append((char) (c - 1));
            }
            yaml.append("]\n");
        }
        yaml.append("rules: []\n");
        // Aliases stay references (Jackson does not expand them into 10^10 nodes): the file is read
        // at once and refused for its unknown keys.
        LoadResult result = LOADER.load(yaml.toString(), "laughs");
        assertThat(result).isInstanceOf(LoadResult.Invalid.class);
        assertThat(((LoadResult.Invalid) result).errors()).hasSize(10)
                .allSatisfy(v -> assertThat(v.message()).startsWith("unknown key"));
    }

    @Test
    void anOversizedFileIsRefusedUnread() {
        byte[] big = new byte[RuleSetLoader.MAX_FILE_BYTES + 1];
        LoadResult result = LOADER.load(big, "big");
        assertThat(((LoadResult.Invalid) result).errors()).map(Violation::toString)
                .containsExactly("(file): the file is 1048577 bytes; at most 1048576 are read");
    }
}
