package io.amlrouter.rules.load;

import java.time.Instant;
import java.util.List;

import io.amlrouter.rules.diagnostics.Violation;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** The last reload that was refused: when, of which content, and why. The previous rules stay active. */
@RegisterForReflection
public record ReloadError(Instant at, String source, String version, List<String> errors) {

    static ReloadError of(Instant at, String source, String version, List<Violation> violations) {
        return new ReloadError(at, source, version, violations.stream().map(Violation::toString).toList());
    }
}
