package io.amlrouter.rules.load;

import java.util.List;

import io.amlrouter.rules.RuleSet;
import io.amlrouter.rules.diagnostics.Violation;

/** The outcome of loading a rules file: a rule set, or every violation found. */
public sealed interface LoadResult {

    List<Violation> warnings();

    record Loaded(RuleSet ruleSet) implements LoadResult {
        @Override
        public List<Violation> warnings() {
            return ruleSet.warnings();
        }
    }

    record Invalid(List<Violation> errors, List<Violation> warnings) implements LoadResult {
        public Invalid {
            errors = List.copyOf(errors);
            warnings = List.copyOf(warnings);
        }
    }
}
