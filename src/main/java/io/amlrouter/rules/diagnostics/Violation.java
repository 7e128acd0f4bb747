package io.amlrouter.rules.diagnostics;

import java.util.Objects;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One problem found while loading rules, located by its path in the rules file.
 *
 * <p>
 * The path uses the notation a user sees in the file ({@code rules[2].filter.advancedFilters[0].operatorType}) so that
 * a message can be acted on without knowing the loader's code; {@link #toString()} is the line printed by the loader,
 * {@code /rules} and the offline {@code lint} command.
 *
 * @param path where the problem is, e.g. {@code rules[2].filter.subjectBegin}
 * @param message what is wrong and, where we can tell, how to fix it
 */
@RegisterForReflection
public record Violation(String path, String message) {

    public Violation {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return path + ": " + message;
    }
}
