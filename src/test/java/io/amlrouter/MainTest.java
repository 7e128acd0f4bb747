package io.amlrouter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

/** The command line: {@code --help} and {@code lint --help} print their usage and exit 0; nothing else starts. */
class MainTest {

    record Run(OptionalInt exit, String out, String err) {
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        OptionalInt exit = Main.command(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void helpPrintsTheUsageAndDoesNotStartTheService() {
        for (String help : new String[] { "--help", "-h", "help" }) {
            Run r = run(help);
            assertThat(r.exit()).as(help).hasValue(0);
            assertThat(r.out()).startsWith("usage: java -jar quarkus-run.jar").contains("lint FILE...", "--help");
            assertThat(r.err()).isEmpty();
        }
    }

    @Test
    void lintHelpPrintsTheLintUsageInsteadOfReadingAFileNamedHelp() {
        for (String help : new String[] { "--help", "-h" }) {
            Run r = run("lint", help);
            assertThat(r.exit()).as(help).hasValue(0);
            assertThat(r.out()).startsWith("usage: lint FILE [FILE...]").doesNotContain("cannot read");
            assertThat(r.err()).isEmpty();
        }
    }

    @Test
    void withoutArgumentsTheServiceStartsAndLintStillLints() {
        assertThat(run().exit()).isEmpty();
        Run lint = run("lint", "src/main/resources/rules/sample-rules.yaml");
        assertThat(lint.exit()).hasValue(0);
        assertThat(lint.out()).startsWith("OK src/main/resources/rules/sample-rules.yaml");
        assertThat(run("lint").exit()).hasValue(2);
    }
}
