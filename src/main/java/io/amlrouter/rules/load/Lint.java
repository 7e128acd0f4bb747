package io.amlrouter.rules.load;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import io.amlrouter.rules.Rule;
import io.amlrouter.rules.RuleSet;
import io.amlrouter.rules.Violation;

/**
 * {@code lint FILE...}: the service's own loader, offline. Prints a summary and exits 0 when every file
 * is valid; prints every violation and exits 1 otherwise; exits 2 when a file cannot be read or no
 * file is given. For CI in GitOps repositories, before a ConfigMap change reaches the cluster.
 */
public final class Lint {

    private Lint() {
    }

    static final String USAGE = "usage: lint FILE [FILE...]   (checks aml-event-router rules files; exit 0 = valid, "
            + "1 = a file is invalid, 2 = a file cannot be read)";

    public static int run(String[] files, PrintStream out, PrintStream err) {
        if (files.length == 0) {
            err.println(USAGE);
            return 2;
        }
        if (java.util.Arrays.stream(files).anyMatch(f -> f.equals("--help") || f.equals("-h"))) {
            out.println(USAGE);
            return 0;
        }
        RuleSetLoader loader = RuleSetLoader.withDefaults();
        int status = 0;
        for (String file : files) {
            byte[] content;
            try {
                content = Files.readAllBytes(Path.of(file));
            } catch (IOException e) {
                err.println("ERROR " + file + ": cannot read: " + e.getMessage());
                status = 2;
                continue;
            }
            LoadResult result = loader.load(content, file);
            if (result instanceof LoadResult.Loaded loaded) {
                RuleSet set = loaded.ruleSet();
                out.println("OK " + file + ": " + set.rules().size() + " rule(s)"
                        + (set.rules().isEmpty() ? "" : " (" + String.join(", ", set.rules().stream().map(Rule::name).toList()) + ")")
                        + ", " + (set.workspaces().isEmpty() ? "any workspace" : set.workspaces().size() + " workspace(s)")
                        + ", " + set.rules().stream().mapToInt(r -> r.actions().size()).sum() + " action(s), version "
                        + set.shortVersion());
            } else {
                LoadResult.Invalid invalid = (LoadResult.Invalid) result;
                out.println("INVALID " + file + ": " + invalid.errors().size() + " violation(s)");
                for (Violation v : invalid.errors()) {
                    out.println("  error   " + v);
                }
                status = Math.max(status, 1);
            }
            for (Violation w : result.warnings()) {
                out.println("  warning " + w);
            }
        }
        return status;
    }
}
