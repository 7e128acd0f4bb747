package io.amlrouter.rules;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.amlrouter.events.MlEvent;
import io.amlrouter.events.Workspace;
import io.amlrouter.rules.diagnostics.Violation;
import io.amlrouter.rules.guard.Silence;

/**
 * An immutable, compiled rules file. Swapped atomically on reload; evaluation does no parsing.
 *
 * @param version content hash of the file ({@code sha256:...})
 * @param source where it was loaded from
 * @param workspaces the workspace allow-list; empty accepts every workspace
 * @param silences the silences the file declares ({@code silences:}), in file order
 */
public record RuleSet(String version, Instant loadedAt, String source, List<Rule> rules, List<Workspace> workspaces,
        List<Violation> warnings, List<Silence> silences) {

    public RuleSet {
        rules = List.copyOf(rules);
        workspaces = List.copyOf(workspaces);
        warnings = List.copyOf(warnings);
        silences = List.copyOf(silences);
    }

    /** A rules file without silences. */
    public RuleSet(String version, Instant loadedAt, String source, List<Rule> rules, List<Workspace> workspaces,
            List<Violation> warnings) {
        this(version, loadedAt, source, rules, workspaces, warnings, List.of());
    }

    /** Whether events from this event's workspace may be acted on. */
    public boolean acceptsWorkspace(MlEvent event) {
        if (workspaces.isEmpty()) {
            return true;
        }
        Workspace w = event.envelope().workspace();
        if (w == null) {
            return false;
        }
        for (Workspace allowed : workspaces) {
            if (allowed.sameAs(w)) {
                return true;
            }
        }
        return false;
    }

    /** The rules whose filter matches the event, in file order. */
    public List<Rule> matching(MlEvent event) {
        List<Rule> out = null;
        for (Rule rule : rules) {
            if (rule.filter().matches(event.raw())) {
                if (out == null) {
                    out = new ArrayList<>(2);
                }
                out.add(rule);
            }
        }
        return out == null ? List.of() : out;
    }

    /** The same rules with more workspaces allowed (configuration adds to the file's list). */
    public RuleSet withExtraWorkspaces(List<Workspace> extra) {
        if (extra.isEmpty()) {
            return this;
        }
        List<Workspace> all = new ArrayList<>(workspaces);
        for (Workspace w : extra) {
            if (all.stream().noneMatch(w::sameAs)) {
                all.add(w);
            }
        }
        return new RuleSet(version, loadedAt, source, rules, all, warnings, silences);
    }

    /** The first 12 hex digits of the version, for logs. */
    public String shortVersion() {
        return version.length() > 19 ? version.substring(0, 19) : version;
    }
}
