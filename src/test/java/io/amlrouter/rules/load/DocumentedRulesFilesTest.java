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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * Every rules file a user can copy loads with the service's loader: the YAML blocks with a top-level
 * {@code rules:} key in README.md and docs/*.md, the rules files and ConfigMaps under k8s/, the sample
 * rules and the test rules. They load as {@code lint} loads them, without errors and without warnings.
 */
class DocumentedRulesFilesTest {

    static final RuleSetLoader LOADER = RuleSetLoader.withDefaults();
    static final YAMLMapper YAML = new YAMLMapper();
    static final Pattern YAML_BLOCK = Pattern.compile("```ya?ml\\n(.*?)```", Pattern.DOTALL);

    static Stream<Named<String>> rulesFiles() throws IOException {
        List<Named<String>> files = new ArrayList<>();
        List<Path> docs = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> list = Files.list(Path.of("docs"))) {
            list.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        for (Path doc : docs) {
            Matcher m = YAML_BLOCK.matcher(Files.readString(doc));
            int block = 0;
            while (m.find()) {
                block++;
                if (Pattern.compile("(?m)^rules:").matcher(m.group(1)).find()) {
                    files.add(Named.of(doc + " yaml block " + block, m.group(1)));
                }
            }
        }
        try (Stream<Path> k8s = Files.walk(Path.of("k8s"))) {
            for (Path p : k8s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted()
                    .toList()) {
                String text = Files.readString(p);
                if (Pattern.compile("(?m)^rules:").matcher(text).find()) {
                    files.add(Named.of(p.toString(), text));
                }
                for (JsonNode doc : YAML.readValues(YAML.createParser(text), JsonNode.class).readAll()) {
                    if (doc != null && "ConfigMap".equals(doc.path("kind").asText()) && doc.path("data").has("rules.yaml")) {
                        files.add(Named.of(p + " ConfigMap " + doc.path("metadata").path("name").asText(),
                                doc.path("data").path("rules.yaml").asText()));
                    }
                }
            }
        }
        files.add(Named.of("sample rules", Files.readString(Path.of("src/main/resources/rules/sample-rules.yaml"))));
        files.add(Named.of("test rules", Files.readString(Path.of("src/test/resources/testdata/service-rules.yaml"))));
        return files.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rulesFiles")
    void loads(String content) {
        LoadResult result = LOADER.load(content, "documented");
        assertThat(result).as(() -> result.toString()).isInstanceOf(LoadResult.Loaded.class);
        assertThat(result.warnings()).isEmpty();
    }

    @Test
    void theDocsAndTheConfigMapAreActuallyFound() throws IOException {
        List<String> names = rulesFiles().map(Named::getName).toList();
        assertThat(names).anyMatch(n -> n.startsWith("docs/rules.md")).anyMatch(n -> n.startsWith("docs/actions.md"))
                .anyMatch(n -> n.startsWith("docs/email.md")).anyMatch(n -> n.startsWith("k8s/base/rules.yaml"));
    }
}
