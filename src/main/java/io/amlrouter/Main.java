package io.amlrouter;

import java.util.Arrays;

import io.amlrouter.rules.load.Lint;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The service, or with {@code lint FILE...} as arguments the offline rules linter (which starts
 * nothing: no HTTP server, no configuration beyond defaults).
 */
@QuarkusMain
public class Main {

    public static void main(String... args) {
        if (args.length > 0 && args[0].equals("lint")) {
            System.exit(Lint.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
        }
        Quarkus.run(args);
    }
}
