package io.amlrouter.rules.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class LintTest {

    record Run(int status, String out, String err) {
    }

    static Run lint(String... files) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Lint.run(files, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void validFileExitsZeroWithASummary() {
        Run run = lint("src/main/resources/rules/sample-rules.yaml");
        assertThat(run.status()).isZero();
        assertThat(run.out()).startsWith("OK src/main/resources/rules/sample-rules.yaml: 4 rule(s) (mail-failed-runs, "
                + "mail-completed-retraining, mail-drift, announce-approved-models), 1 workspace(s), 4 action(s), version sha256:");
    }

    @Test
    void invalidFileExitsOneWithEveryViolation() {
        Run run = lint("src/test/resources/testdata/rules/bad/names.yaml");
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.out()).contains("INVALID src/test/resources/testdata/rules/bad/names.yaml: 3 violation(s)",
                "  error   rules[2].name: duplicate rule name \"dup\" (also rules[1])");
    }

    @Test
    void warningsAreShownWithAValidFile() {
        Run run = lint("src/test/resources/testdata/rules/good/empty-rules.yaml");
        assertThat(run.status()).isZero();
        assertThat(run.out()).contains("  warning rules: the list is empty: no event will be acted on");
    }

    @Test
    void unreadableFileOrNoFileExitsTwo() {
        assertThat(lint("does/not/exist.yaml").status()).isEqualTo(2);
        Run none = lint();
        assertThat(none.status()).isEqualTo(2);
        assertThat(none.err()).startsWith("usage: lint FILE");
    }

    @Test
    void theWorstStatusWins() {
        assertThat(lint("src/main/resources/rules/sample-rules.yaml", "src/test/resources/testdata/rules/bad/names.yaml")
                .status()).isEqualTo(1);
    }

    static final String LINT = "src/test/resources/testdata/lint/";

    @Test
    void strictFailsOnAWarningThatAloneDoesNotFail() {
        assertThat(lint(LINT + "warning.yaml").status()).isZero();
        Run strict = lint("--strict", LINT + "warning.yaml");
        assertThat(strict.status()).isEqualTo(1);
        assertThat(strict.out()).contains("OK " + LINT + "warning.yaml: 1 rule(s)",
                "  warning rules[0].filter.subjectBeginsWith: \"experiments/*\" is compared literally");
        assertThat(lint("--strict", "src/main/resources/rules/sample-rules.yaml").status()).isZero();
        assertThat(lint("src/test/resources/testdata/rules/bad/names.yaml", "--strict").status()).isEqualTo(1);
    }

    @Test
    void jsonPrintsEveryFindingLocatedWithItsRule() throws Exception {
        Run run = lint("--format", "json", LINT + "findings.yaml");
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).isEmpty();
        assertThat(run.out().replace("\r\n", "\n")).isEqualTo("""
                {
                  "findings" : [ {
                    "file" : "src/test/resources/testdata/lint/findings.yaml",
                    "line" : 8,
                    "column" : 5,
                    "severity" : "error",
                    "rule" : "Mail_Drift",
                    "path" : "rules[1].name",
                    "message" : "\\"Mail_Drift\\" must be 1-63 characters of a-z, 0-9 and '-', starting and ending with a letter or digit"
                  }, {
                    "file" : "src/test/resources/testdata/lint/findings.yaml",
                    "line" : 5,
                    "column" : 7,
                    "severity" : "warning",
                    "rule" : "mail-failed-runs",
                    "path" : "rules[0].filter.subjectBeginsWith",
                    "message" : "\\"experiments/*\\" is compared literally; subject filters have no wildcards, so * and ? only match those characters"
                  } ]
                }
                """);
        assertThat(java.nio.file.Files.readString(java.nio.file.Path.of("docs/rules.md")))
                .as("docs/rules.md shows this output").contains("```json\n" + run.out() + "```");
    }

    @Test
    void jsonOfAValidFileHasNoFindingsAndAYamlSyntaxErrorKeepsItsLocation() {
        Run valid = lint("--format=json", "src/main/resources/rules/sample-rules.yaml");
        assertThat(valid.status()).isZero();
        assertThat(valid.out()).isEqualTo("{\n  \"findings\" : [ ]\n}\n");
        Run syntax = lint("--format", "json", "src/test/resources/testdata/rules/bad/yaml-syntax.yaml");
        assertThat(syntax.status()).isEqualTo(1);
        assertThat(syntax.out()).contains("\"severity\" : \"error\"", "\"path\" : \"(line ");
        assertThat(syntax.out()).doesNotContain("\"line\" : null");
    }

    @Test
    void aConfigMapManifestIsLintedEntryByEntryAtTheManifestsLines() {
        Run text = lint(LINT + "configmap.yaml");
        assertThat(text.status()).isEqualTo(1);
        assertThat(text.out()).contains("INVALID " + LINT + "configmap.yaml#data.rules.yaml: 1 violation(s)",
                "  error   rules[1].name: \"Mail_Drift\" must be",
                "  warning rules[0].filter.subjectBeginsWith: ",
                "OK " + LINT + "configmap.yaml#data.valid.yml: 1 rule(s) (mail-drift)").doesNotContain("README.txt");
        Run json = lint("--format", "json", LINT + "configmap.yaml");
        assertThat(json.out()).contains("""
                    "file" : "src/test/resources/testdata/lint/configmap.yaml",
                    "line" : 17,
                    "column" : 9,
                    "severity" : "error",
                    "rule" : "Mail_Drift",
                    "path" : "rules[1].name",
                """, """
                    "line" : 14,
                    "column" : 11,
                    "severity" : "warning",
                    "rule" : "mail-failed-runs",
                """);
    }

    @Test
    void aConfigMapWithoutRulesEntriesIsAnError() throws Exception {
        java.nio.file.Path empty = java.nio.file.Files.createTempFile("configmap", ".yaml");
        try {
            java.nio.file.Files.writeString(empty, "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\ndata:\n  a.txt: b\n");
            Run run = lint(empty.toString());
            assertThat(run.status()).isEqualTo(1);
            assertThat(run.out()).contains("  error   data: a ConfigMap without a data entry named *.yaml or *.yml");
        } finally {
            java.nio.file.Files.delete(empty);
        }
    }

    @Test
    void anUnknownOptionOrFormatIsAUsageError() {
        Run unknown = lint("--strikt", "src/main/resources/rules/sample-rules.yaml");
        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.err()).startsWith("usage: lint FILE");
        assertThat(lint("--format", "xml", "src/main/resources/rules/sample-rules.yaml").status()).isEqualTo(2);
        assertThat(lint("--help").out()).contains("--strict", "--format json");
    }

    @Test
    void theFourNeverMatchingMistakesOfTheIssueFailWithLocatedMessages() {
        Run text = lint(LINT + "never-matching.yaml");
        assertThat(text.status()).isEqualTo(1);
        assertThat(text.out()).contains("INVALID " + LINT + "never-matching.yaml: 3 violation(s)",
                "  error   rules[0].filter.includedEventTypes[0]: \"RunStatusChanged\" is not a full event type name",
                "  warning rules[3].filter.advancedFilters[0].values[0]: \"Failure\" is not a documented value");
        Run json = lint("--format", "json", LINT + "never-matching.yaml");
        assertThat(json.status()).isEqualTo(1);
        assertThat(json.out().replace("\r\n", "\n")).isEqualTo("""
                {
                  "findings" : [ {
                    "file" : "src/test/resources/testdata/lint/never-matching.yaml",
                    "line" : 5,
                    "column" : 28,
                    "severity" : "error",
                    "rule" : "mail-failed-runs",
                    "path" : "rules[0].filter.includedEventTypes[0]",
                    "message" : "\\"RunStatusChanged\\" is not a full event type name, so it never matches; did you mean \\"Microsoft.MachineLearningServices.RunStatusChanged\\"?"
                  }, {
                    "file" : "src/test/resources/testdata/lint/never-matching.yaml",
                    "line" : 12,
                    "column" : 37,
                    "severity" : "error",
                    "rule" : "mail-prod-models",
                    "path" : "rules[1].filter.advancedFilters[0].key",
                    "message" : "\\"data.tags.stage\\" is not a data field of Microsoft.MachineLearningServices.ModelRegistered, so the filter never matches; did you mean \\"data.modelTags.stage\\"?"
                  }, {
                    "file" : "src/test/resources/testdata/lint/never-matching.yaml",
                    "line" : 19,
                    "column" : 46,
                    "severity" : "error",
                    "rule" : "mail-drift",
                    "path" : "rules[2].filter.advancedFilters[0].key",
                    "message" : "\\"data.driftCoeficient\\" is not a data field of Microsoft.MachineLearningServices.DatasetDriftDetected, so the filter never matches; did you mean \\"data.driftCoefficient\\"?"
                  }, {
                    "file" : "src/test/resources/testdata/lint/never-matching.yaml",
                    "line" : 26,
                    "column" : 67,
                    "severity" : "warning",
                    "rule" : "mail-run-failures",
                    "path" : "rules[3].filter.advancedFilters[0].values[0]",
                    "message" : "\\"Failure\\" is not a documented value of data.runStatus (NotStarted, Starting, Provisioning, Preparing, Queued, Running, Finalizing, CancelRequested, Completed, Failed, Canceled, NotResponding, Paused, Unknown); did you mean \\"Failed\\"?"
                  } ]
                }
                """);
    }
}
