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
}
