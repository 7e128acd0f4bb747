package io.amlrouter.routing;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.amlrouter.events.MlEvent;
import io.amlrouter.rules.Rule;
import io.amlrouter.rules.RuleSet;
import io.amlrouter.rules.action.ActionContext;
import io.amlrouter.rules.action.RateLimit;
import io.amlrouter.rules.action.RenderedAction;
import io.amlrouter.rules.filter.FilterResult;
import io.amlrouter.rules.filter.Mismatch;
import io.amlrouter.rules.guard.GuardDurations;
import io.amlrouter.rules.guard.Silence;
import io.amlrouter.rules.template.RenderException;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What the rules would do with an event, without doing it: per rule, matched or not and why not (the
 * first failing filter with key, operator, expected values and the actual value), and for a match
 * every action fully rendered, with its rate limit's rendered key; and the silences that would stop the
 * actions. No side effect: nothing is sent and nothing is recorded (a rate limit's window is not read).
 */
public final class DryRun {

    private DryRun() {
    }

    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Evaluation(EventSummary event, String rulesVersion, boolean workspaceAllowed, String note,
            List<RuleOutcome> rules, List<SilenceMatch> silencedBy) {
    }

    /** A silence active now whose filter matches the event: no action of a matched rule would run. */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SilenceMatch(String id, String origin, java.time.Instant endsAt, String comment, String createdBy) {
    }

    /** An action's rate limit, with its key rendered for this event. */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record LimitPreview(String key, int max, String per) {
    }

    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record EventSummary(String id, String type, String subject, String schema, String workspace,
            String studioUrl) {
    }

    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RuleOutcome(String rule, boolean matched, Mismatch mismatch, List<ActionPreview> actions) {
    }

    /** One action as it would be sent, or why it could not be rendered (a permanent failure at run time). */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ActionPreview(int index, String kind, RenderedAction rendered, String error, LimitPreview limit) {

        public ActionPreview(int index, String kind, RenderedAction rendered, String error) {
            this(index, kind, rendered, error, null);
        }
    }

    public static Evaluation evaluate(RuleSet set, MlEvent event) {
        return evaluate(set, event, List.of());
    }

    /** @param activeSilences the silences active now whose filter matches the event */
    public static Evaluation evaluate(RuleSet set, MlEvent event, List<Silence> activeSilences) {
        boolean allowed = set.acceptsWorkspace(event);
        List<RuleOutcome> outcomes = new ArrayList<>(set.rules().size());
        for (Rule rule : set.rules()) {
            FilterResult result = rule.filter().explain(event.raw());
            if (result instanceof FilterResult.NotMatched notMatched) {
                outcomes.add(new RuleOutcome(rule.name(), false, notMatched.mismatch(), null));
                continue;
            }
            List<ActionPreview> previews = new ArrayList<>();
            for (int i = 0; i < rule.actions().size(); i++) {
                var spec = rule.actions().get(i);
                try {
                    ActionContext context = new ActionContext(event, rule.name(), rule.description(), i);
                    RenderedAction rendered = spec.render(context);
                    RateLimit limit = rule.limit(i).orElse(null);
                    previews.add(new ActionPreview(i, spec.kind().key(), rendered, null, limit == null ? null
                            : new LimitPreview(limit.render(context), limit.max(), GuardDurations.show(limit.per()))));
                } catch (RenderException e) {
                    previews.add(new ActionPreview(i, spec.kind().key(), null,
                            "cannot be rendered for this event (a permanent failure at run time): " + e.getMessage()));
                }
            }
            outcomes.add(new RuleOutcome(rule.name(), true, null, previews));
        }
        boolean anyMatched = outcomes.stream().anyMatch(RuleOutcome::matched);
        List<SilenceMatch> silencedBy = allowed && anyMatched ? activeSilences.stream()
                .map(s -> new SilenceMatch(s.id(), s.origin(), s.endsAt(), s.comment(), s.createdBy())).toList() : null;
        String note = !allowed
                ? "the event's workspace is not in the allow-list (workspaces:), so no rule would act on it"
                : silencedBy != null && !silencedBy.isEmpty()
                        ? "silenced by " + String.join(", ", silencedBy.stream().map(SilenceMatch::id).toList())
                                + ": no action would run"
                        : null;
        var ws = event.envelope().workspace();
        return new Evaluation(new EventSummary(event.id(), event.type(), event.subject(),
                event.envelope().schema().name(), ws == null ? null : ws.armId(), event.studioUrl().orElse(null)),
                set.version(), allowed, note, outcomes, silencedBy == null || silencedBy.isEmpty() ? null : silencedBy);
    }
}
