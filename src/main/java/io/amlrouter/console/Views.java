package io.amlrouter.console;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.amlrouter.ledger.ActionRecord;
import io.amlrouter.ledger.ActionState;
import io.amlrouter.ledger.EventHistory;
import io.amlrouter.ledger.EventRecord;
import io.amlrouter.ledger.RuleVerdict;
import io.amlrouter.routing.DryRun;
import io.quarkus.qute.TemplateData;

/** What the console's templates show: plain text values, formatted here so the templates only print them. */
public final class Views {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private Views() {
    }

    /** One line of the events list. */
    @TemplateData
    public record EventRow(String id, String received, String type, String subject, String outcome,
            String rules, String actions) {
    }

    /** One action of an event (detail page) or one dead letter (dead-letters page). */
    @TemplateData
    public record ActionRow(String eventId, String eventType, String subject, String rule, int index, String kind,
            String state, int attempts, String firstAttempt, String updated, String error, String externalId,
            String detail, List<Links.Link> links) {
    }

    /** One rule's verdict on an event: matched, or the first failing filter and why. */
    @TemplateData
    public record Verdict(String rule, boolean matched, String filter, String reason, List<Preview> actions) {
    }

    /** One rendered action of a matched rule (dry run), or why it cannot be rendered. */
    @TemplateData
    public record Preview(int index, String kind, String rendered, String error) {
    }

    static String time(Instant t) {
        return t == null ? "" : TIME.format(t);
    }

    /** The words for an event's outcome, readable without colour. */
    static String outcome(EventHistory h) {
        EventRecord e = h.event();
        if ("no-rule-matched".equals(e.outcome())) {
            return "unmatched: no rule matched";
        }
        if ("workspace-not-allowed".equals(e.outcome())) {
            return "unmatched: workspace not allowed";
        }
        List<String> parts = new ArrayList<>();
        long dead = count(h, ActionState.FAILED);
        long failed = h.actions().stream().filter(a -> a.state() == ActionState.PENDING && a.lastError() != null).count();
        long pending = h.actions().stream().filter(a -> a.state() == ActionState.CLAIMED
                || a.state() == ActionState.PENDING && a.lastError() == null).count();
        if (dead > 0) {
            parts.add(dead + " dead letter" + (dead > 1 ? "s" : ""));
        }
        if (failed > 0) {
            parts.add(failed + " failed, to be retried");
        }
        if (pending > 0) {
            parts.add(pending + " pending");
        }
        return parts.isEmpty() ? "matched: done" : "matched: " + String.join(", ", parts);
    }

    static EventRow row(EventHistory h) {
        EventRecord e = h.event();
        long ok = count(h, ActionState.SUCCEEDED);
        String actions = h.actions().isEmpty() ? "none" : ok + " of " + h.actions().size() + " succeeded";
        return new EventRow(e.id(), time(e.lastReceivedAt()), e.type(), e.subject(), outcome(h),
                e.matchedRules().isEmpty() ? "none" : String.join(", ", e.matchedRules()), actions);
    }

    static ActionRow action(EventRecord e, ActionRecord a, List<Links.Link> links) {
        return new ActionRow(e.id(), e.type(), e.subject(), a.key().rule(), a.key().actionIndex(), a.kind(),
                state(a), a.attempts(), time(a.firstAttemptAt()), time(a.updatedAt()), a.lastError(), a.externalId(),
                a.detail(), links);
    }

    /** An action's state in words. */
    static String state(ActionRecord a) {
        return switch (a.state()) {
            case SUCCEEDED -> "succeeded";
            case FAILED -> "dead letter (failed permanently)";
            case CLAIMED -> "running";
            case PENDING -> a.lastError() == null ? "pending" : "failed, to be retried";
            case GROUPED -> "grouped into a digest";
            case LIMITED -> "not run: over its rate limit";
        };
    }

    /** Each rule's verdict of a dry run, with the matched rules' actions rendered as JSON. */
    static List<Verdict> verdicts(DryRun.Evaluation evaluation, ObjectMapper json) {
        List<Verdict> out = new ArrayList<>();
        for (DryRun.RuleOutcome r : evaluation.rules()) {
            List<Preview> previews = new ArrayList<>();
            if (r.actions() != null) {
                for (DryRun.ActionPreview p : r.actions()) {
                    previews.add(new Preview(p.index(), p.kind(), p.rendered() == null ? null : pretty(json, p.rendered()),
                            p.error()));
                }
            }
            out.add(new Verdict(r.rule(), r.matched(), r.mismatch() == null ? null : r.mismatch().filter(),
                    r.mismatch() == null ? null : r.mismatch().reason(), previews));
        }
        return out;
    }

    /**
     * The verdicts recorded when the event was routed. The router leaves out the reason of rules of other event types
     * (a cost it saves on the ingest path): it is taken from {@code now} (the same rules evaluated again) when the
     * rules have not changed since, and said in general words otherwise.
     */
    static List<Verdict> recorded(EventRecord e, DryRun.Evaluation now, String currentVersion) {
        boolean same = now != null && currentVersion.equals(e.rulesVersion());
        List<Verdict> out = new ArrayList<>();
        for (RuleVerdict v : e.explanation()) {
            String reason = v.reason();
            if (!v.matched() && reason == null) {
                reason = same ? now.rules().stream().filter(r -> r.rule().equals(v.rule()) && r.mismatch() != null)
                        .map(r -> r.mismatch().reason()).findFirst().orElse(null) : null;
                if (reason == null) {
                    reason = "includedEventTypes".equals(v.filter())
                            ? "event type \"" + e.type() + "\" is not one of the rule's includedEventTypes"
                            : "its filter " + v.filter() + " did not match";
                }
            }
            out.add(new Verdict(v.rule(), v.matched(), v.filter(), reason, List.of()));
        }
        return out;
    }

    /** Indented JSON of a value (shown in a pre element, escaped by the template). */
    static String pretty(ObjectMapper json, Object value) {
        try {
            return json.writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            return String.valueOf(value);
        }
    }

    /** Indented JSON of a JSON text, or the text itself when it does not parse. */
    static String prettyText(ObjectMapper json, String text) {
        if (text == null) {
            return null;
        }
        try {
            return pretty(json, json.readTree(text));
        } catch (JsonProcessingException e) {
            return text;
        }
    }

    private static long count(EventHistory h, ActionState s) {
        return h.actions().stream().filter(a -> a.state() == s).count();
    }
}
