package io.amlrouter.rules.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * {@code java -jar quarkus-run.jar lint FILE} on the packaged artifact: exit codes and output, and it
 * starts nothing (it returns in seconds, with no HTTP port bound).
 */
class LintIT {

    record Result(int exit, String output) {
    }

    static Result lint(String... files) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("lint"));
        args.addAll(List.of(files));
        return jar(args);
    }

    static Result jar(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", "target/quarkus-app/quarkus-run.jar"));
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("lint returns without starting a server").isTrue();
        return new Result(p.exitValue(), out);
    }

    @Test
    void validFiles() throws Exception {
        Result r = lint("src/main/resources/rules/sample-rules.yaml", "src/test/resources/testdata/rules/good/design-example.yaml");
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("OK src/main/resources/rules/sample-rules.yaml: 4 rule(s)")
                .doesNotContain("Listening on");
    }

    @Test
    void invalidFile() throws Exception {
        Result r = lint("src/test/resources/testdata/rules/bad/filter.yaml");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.output()).contains("rules[0].filter.advancedFilters[0].operatorType: unknown operator \"StringLike\"");
    }

    @Test
    void theJarFailsAFileThatCanNeverMatchWithLocatedFindings() throws Exception {
        Result r = lint("--format", "json", "src/test/resources/testdata/lint/never-matching.yaml");
        assertThat(r.exit()).as(r.output()).isEqualTo(1);
        assertThat(r.output()).contains("\"line\" : 5,\n    \"column\" : 28,\n    \"severity\" : \"error\",\n"
                + "    \"rule\" : \"mail-failed-runs\"", "did you mean \\\"data.modelTags.stage\\\"?",
                "did you mean \\\"data.driftCoefficient\\\"?", "\"severity\" : \"warning\"",
                "\\\"Failure\\\" is not a documented value of data.runStatus");
        Result strict = lint("--strict", "src/test/resources/testdata/lint/schema/values.yaml");
        assertThat(strict.exit()).as("a warning fails --strict").isEqualTo(1);
        assertThat(lint("src/test/resources/testdata/lint/schema/values.yaml").exit()).isZero();
    }

    @Test
    void missingFile() throws Exception {
        assertThat(lint("nope.yaml").exit()).isEqualTo(2);
    }

    @Test
    void helpPrintsTheUsageInsteadOfStartingTheServer() throws Exception {
        Result r = jar(List.of("--help"));
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).startsWith("usage: java -jar quarkus-run.jar").doesNotContain("Listening on");
    }

    @Test
    void lintHelpPrintsTheLintUsageInsteadOfReadingAFile() throws Exception {
        Result r = lint("--help");
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).startsWith("usage: lint FILE").doesNotContain("cannot read");
    }
}
