package io.amlrouter.rules.diagnostics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Collects every error and warning found while loading a rules file, in the order they were found.
 *
 * <p>
 * Loading is strict but never stops at the first problem: a user fixing a ConfigMap wants the whole list at once. Errors
 * make the file unusable; warnings do not (for example a filter that would be too big for an Event Grid subscription).
 * One instance is used by one loader on one thread; it is not thread-safe.
 */
public final class Diagnostics {

    private final List<Violation> errors = new ArrayList<>();
    private final List<Violation> warnings = new ArrayList<>();

    /** Records a problem that makes the rules unusable. */
    public void error(String path, String message) {
        errors.add(new Violation(path, message));
    }

    /** Records a problem worth telling the user about that does not stop the rules from loading. */
    public void warning(String path, String message) {
        warnings.add(new Violation(path, message));
    }

    /** The errors in the order they were reported (read-only view). */
    public List<Violation> errors() {
        return Collections.unmodifiableList(errors);
    }

    /** The warnings in the order they were reported (read-only view). */
    public List<Violation> warnings() {
        return Collections.unmodifiableList(warnings);
    }

    /** Whether at least one error was reported. */
    public boolean hasErrors() {
        return !errors.isEmpty();
    }

    @Override
    public String toString() {
        return "Diagnostics[errors=" + errors + ", warnings=" + warnings + "]";
    }
}
