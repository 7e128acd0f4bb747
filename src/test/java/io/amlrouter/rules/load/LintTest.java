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

    /** The findings of {@code lint --format json} as "line:column severity rule: message". */
    static java.util.List<String> located(Run json) throws Exception {
        com.fasterxml.jackson.databind.JsonNode findings = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(json.out()).get("findings");
        java.util.List<String> out = new java.util.ArrayList<>();
        findings.forEach(f -> out.add(f.get("line").asInt() + ":" + f.get("column").asInt() + " "
                + f.get("severity").asText() + " " + f.get("rule").asText() + " " + f.get("path").asText() + ": "
                + f.get("message").asText()));
        return out;
    }

    /**
     * The issue's "done when": a rules file with each never-matching mistake of its first paragraph (a bare type name,
     * data.tags.stage, data.driftCoeficient, a Number operator on a string, a subject prefix and a suffix no subject
     * of the type can have) fails lint with a located message for each, and the likely-wrong ones (values: [Failure], a
     * placeholder reading a data member no type has) are located warnings that fail --strict.
     */
    @Test
    void everyMistakeOfTheIssueIsLocatedAndFailsLint() throws Exception {
        String runs = "NotStarted, Starting, Provisioning, Preparing, Queued, Running, Finalizing, CancelRequested, "
                + "Completed, Failed, Canceled, NotResponding, Paused, Unknown";
        Run json = lint("--format", "json", LINT + "issue-16-mistakes.yaml");
        assertThat(json.status()).isEqualTo(1);
        assertThat(located(json)).containsExactly(
                "5:28 error mail-failed-runs rules[0].filter.includedEventTypes[0]: \"RunStatusChanged\" is not a full "
                        + "event type name, so it never matches; did you mean "
                        + "\"Microsoft.MachineLearningServices.RunStatusChanged\"?",
                "12:37 error mail-prod-models rules[1].filter.advancedFilters[0].key: \"data.tags.stage\" is not a data "
                        + "field of Microsoft.MachineLearningServices.ModelRegistered, so the filter never matches; did "
                        + "you mean \"data.modelTags.stage\"?",
                "19:46 error mail-drift rules[2].filter.advancedFilters[0].key: \"data.driftCoeficient\" is not a data "
                        + "field of Microsoft.MachineLearningServices.DatasetDriftDetected, so the filter never matches; "
                        + "did you mean \"data.driftCoefficient\"?",
                "26:13 error mail-long-runs rules[3].filter.advancedFilters[0].operatorType: NumberGreaterThan compares "
                        + "numbers, but data.runId is a string, so the filter never matches",
                "32:7 error mail-fraud-runs rules[4].filter.subjectBeginsWith: no subject of "
                        + "Microsoft.MachineLearningServices.RunStatusChanged begins with \"models/fraud-gbm\", so the "
                        + "filter never matches; its subjects are experiments/{experimentId}/runs/{runId}",
                "38:7 error mail-model-versions rules[5].filter.subjectEndsWith: no subject of "
                        + "Microsoft.MachineLearningServices.ModelRegistered ends with \"/runs/1\", so the filter never "
                        + "matches; its subjects are models/{modelName}:{modelVersion}",
                "45:67 warning mail-run-failures rules[6].filter.advancedFilters[0].values[0]: \"Failure\" is not a "
                        + "documented value of data.runStatus (" + runs + "); did you mean \"Failed\"?",
                "51:43 warning mail-every-drift rules[7].actions[0].email.subject: placeholder "
                        + "{event.data.driftCoeficient}: \"event.data.driftCoeficient\" is not a data field of any event "
                        + "type, so the action fails for every event; did you mean \"event.data.driftCoefficient\"?");
        Run text = lint(LINT + "issue-16-mistakes.yaml");
        assertThat(text.status()).isEqualTo(1);
        assertThat(text.out()).contains("INVALID " + LINT + "issue-16-mistakes.yaml: 6 violation(s)");

        Run warnings = lint(LINT + "issue-16-likely-wrong.yaml");
        assertThat(warnings.status()).isZero();
        assertThat(warnings.out()).contains(
                "  warning rules[0].filter.advancedFilters[0].values[0]: \"Failure\" is not a documented value",
                "  warning rules[1].actions[0].email.subject: placeholder {event.data.driftCoeficient}: ");
        Run strict = lint("--strict", "--format", "json", LINT + "issue-16-likely-wrong.yaml");
        assertThat(strict.status()).isEqualTo(1);
        assertThat(located(strict)).hasSize(2).allMatch(f -> f.contains(" warning mail-"));
    }
}
