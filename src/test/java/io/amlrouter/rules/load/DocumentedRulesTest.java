package io.amlrouter.rules.load;

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

/**
 * Every YAML example of {@code docs/actions.md} is a whole rules file that loads without errors or
 * warnings, and so are the ConfigMap rules of {@code k8s/base} and the sample rules, as {@code lint} would
 * load them.
 */
class DocumentedRulesTest {

    static Stream<Named<String>> files() throws IOException {
        List<Named<String>> files = new ArrayList<>();
        String doc = Files.readString(Path.of("docs/actions.md"));
        Matcher blocks = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        int n = 0;
        while (blocks.find()) {
            files.add(Named.of("docs/actions.md yaml block " + ++n, blocks.group(1)));
        }
        assertThat(n).isGreaterThanOrEqualTo(6);
        files.add(Named.of("k8s/base/rules.yaml", Files.readString(Path.of("k8s/base/rules.yaml"))));
        files.add(Named.of("sample rules", Files.readString(Path.of("src/main/resources/rules/sample-rules.yaml"))));
        return files.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void loadsCleanly(String content) {
        LoadResult result = RuleSetLoader.withDefaults().load(content, "docs");
        assertThat(result).isInstanceOf(LoadResult.Loaded.class);
        assertThat(result.warnings()).isEmpty();
        assertThat(((LoadResult.Loaded) result).ruleSet().rules()).isNotEmpty();
    }
}
