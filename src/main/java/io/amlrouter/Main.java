package io.amlrouter;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;

import io.amlrouter.rules.load.Lint;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The service, or with {@code lint FILE...} as arguments the offline rules linter (which starts
 * nothing: no HTTP server, no configuration beyond defaults); {@code --help} prints the usage.
 */
@QuarkusMain
public class Main {

    static final String USAGE = """
            usage: java -jar quarkus-run.jar               start the service (configured by environment variables:
                                                           docs/operations.md)
                   java -jar quarkus-run.jar lint FILE...  check rules files offline, start nothing
                                                           (exit 0 valid, 1 invalid, 2 unreadable; options
                                                           --strict, --format json: lint --help)
                   java -jar quarkus-run.jar --help        this text""";

    private static final List<String> HELP = List.of("--help", "-h", "help");

    public static void main(String... args) {
        OptionalInt exit = command(args, System.out, System.err);
        if (exit.isPresent()) {
            System.exit(exit.getAsInt());
        }
        Quarkus.run(args);
    }

    /** Runs a command given as arguments and answers its exit status, or nothing when the service is to start. */
    static OptionalInt command(String[] args, PrintStream out, PrintStream err) {
        if (args.length > 0 && HELP.contains(args[0])) {
            out.println(USAGE);
            return OptionalInt.of(0);
        }
        if (args.length > 0 && args[0].equals("lint")) {
            return OptionalInt.of(Lint.run(Arrays.copyOfRange(args, 1, args.length), out, err));
        }
        return OptionalInt.empty();
    }
}
