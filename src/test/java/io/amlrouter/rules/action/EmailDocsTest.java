package io.amlrouter.rules.action;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.amlrouter.rules.diagnostics.Violation;
import io.amlrouter.rules.load.LoadResult;
import io.amlrouter.rules.load.RuleSetLoader;

/**
 * {@code docs/email.md} cannot rot: every YAML example is a complete rules file that loads without errors or
 * warnings, and the built-in template table names every template with its default subject as shipped.
 */
class EmailDocsTest {

    static final Path DOC = Path.of("docs/email.md");

    static Stream<Named<String>> rulesFiles() throws IOException {
        Matcher blocks = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(DOC));
        List<Named<String>> out = new ArrayList<>();
        while (blocks.find()) {
            out.add(Named.of("yaml block " + (out.size() + 1), blocks.group(1)));
        }
        assertThat(out).hasSizeGreaterThanOrEqualTo(4);
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rulesFiles")
    void everyExampleIsARulesFileThatLoadsCleanly(String yaml) {
        assertThat(yaml).startsWith("rules:");
        LoadResult result = RuleSetLoader.withDefaults().load(yaml, "docs/email.md");
        assertThat(result).as(() -> result instanceof LoadResult.Invalid invalid
                ? invalid.errors().stream().map(Violation::toString).toList().toString() : "").isInstanceOf(LoadResult.Loaded.class);
        assertThat(result.warnings()).isEmpty();
        assertThat(((LoadResult.Loaded) result).ruleSet().rules()).allSatisfy(r -> assertThat(r.actions())
                .anySatisfy(a -> assertThat(a).isInstanceOf(EmailAction.class)));
    }

    @Test
    void theTemplateTableShowsEveryBuiltInWithItsDefaultSubject() throws IOException {
        String doc = Files.readString(DOC);
        for (String name : BuiltInEmailTemplatesTest.BUILT_INS.names()) {
            String subject;
            try (InputStream in = getClass().getClassLoader().getResourceAsStream("email-templates/" + name + ".subject")) {
                subject = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            }
            assertThat(doc).as(name).containsPattern("\\n\\| `" + Pattern.quote(name) + "` \\|[^\\n]*\\| `"
                    + Pattern.quote(subject) + "` \\|\\n");
        }
    }
}
