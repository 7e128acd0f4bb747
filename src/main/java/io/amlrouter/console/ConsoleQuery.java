package io.amlrouter.console;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.amlrouter.ledger.HistoryQuery;
import io.quarkus.qute.TemplateData;

/**
 * The events page's filters, as the form submits them (all optional): event type, subject prefix, run id, model
 * name, rule, outcome, time range ({@code from}, {@code to}: ISO instants or the browser's {@code datetime-local},
 * read as UTC; first sight in {@code [from, to)}) and where the previous page ended ({@code before}, the history's
 * cursor). {@link #errors} lists what could not be read, by field.
 */
@TemplateData
public record ConsoleQuery(String type, String subject, String runId, String model, String rule, String outcome,
        String from, String to, String before, Instant fromInstant, Instant toInstant, HistoryQuery.Cursor cursor,
        List<String> errors) {

    /** The outcomes the filter knows, with the words shown for them. */
    public static final Map<String, String> OUTCOMES = outcomes();

    private static Map<String, String> outcomes() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("matched", "matched (a rule matched)");
        m.put("unmatched", "unmatched (no rule matched)");
        m.put("not-allowed", "not allowed (workspace not in the allow-list)");
        m.put("failed", "failed (an action is failing now)");
        m.put("dead-letter", "dead letter (an action failed permanently)");
        m.put("pending", "pending (an action still owed or running)");
        m.put("silenced", "silenced (an active silence stopped its actions)");
        m.put("limited", "limited (an action was over its rate limit)");
        m.put("grouped", "grouped (an action joined a digest)");
        return m;
    }

    static final Set<String> FIELDS = Set.of("type", "subject", "runId", "model", "rule", "outcome", "from", "to",
            "before", "live");

    public static ConsoleQuery of(Map<String, List<String>> params) {
        List<String> errors = new ArrayList<>();
        for (String name : params.keySet()) {
            if (!FIELDS.contains(name)) {
                errors.add(name + ": not a filter of this page (type, subject, runId, model, rule, outcome, from, to, before)");
            }
        }
        String outcome = text(params, "outcome");
        if (outcome != null && !OUTCOMES.containsKey(outcome)) {
            errors.add("outcome: not one of " + String.join(", ", OUTCOMES.keySet()));
            outcome = null;
        }
        String from = text(params, "from");
        String to = text(params, "to");
        Instant fromInstant = instant("from", from, errors);
        Instant toInstant = instant("to", to, errors);
        String before = text(params, "before");
        HistoryQuery.Cursor cursor = null;
        if (before != null) {
            try {
                cursor = HistoryQuery.Cursor.parse(before);
            } catch (IllegalArgumentException e) {
                errors.add("before: " + e.getMessage());
                before = null;
            }
        }
        if (fromInstant != null && toInstant != null && !fromInstant.isBefore(toInstant)) {
            errors.add("to: must be after from");
        }
        return new ConsoleQuery(text(params, "type"), text(params, "subject"), text(params, "runId"),
                text(params, "model"), text(params, "rule"), outcome, from, to, before, fromInstant, toInstant, cursor,
                List.copyOf(errors));
    }

    /** The query string of this query continuing before {@code next} (null: from the newest). */
    public String continuing(HistoryQuery.Cursor next) {
        StringBuilder b = new StringBuilder();
        add(b, "type", type);
        add(b, "subject", subject);
        add(b, "runId", runId);
        add(b, "model", model);
        add(b, "rule", rule);
        add(b, "outcome", outcome);
        add(b, "from", from);
        add(b, "to", to);
        if (next != null) {
            add(b, "before", next.token());
        }
        return b.length() == 0 ? "" : "?" + b.substring(1);
    }

    /** Whether any filter is set. */
    public boolean filtered() {
        return type != null || subject != null || runId != null || model != null || rule != null || outcome != null
                || from != null || to != null;
    }

    private static void add(StringBuilder b, String name, String value) {
        if (value != null) {
            b.append('&').append(name).append('=').append(Links.enc(value));
        }
    }

    private static String text(Map<String, List<String>> params, String name) {
        List<String> v = params.get(name);
        if (v == null || v.isEmpty() || v.get(0) == null || v.get(0).isBlank()) {
            return null;
        }
        return v.get(0).trim();
    }

    private static Instant instant(String field, String value, List<String> errors) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                errors.add(field + ": not a time; use 2026-05-01T12:00 (UTC) or an ISO instant such as 2026-05-01T12:00:00Z");
                return null;
            }
        }
    }
}
