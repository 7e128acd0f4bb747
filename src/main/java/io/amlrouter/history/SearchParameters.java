package io.amlrouter.history;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.amlrouter.http.Problem;
import io.amlrouter.ledger.HistoryQuery;

/**
 * The query parameters of {@code GET /events}, read into a {@link HistoryQuery}: every parameter checked, an unknown
 * or repeated one refused (never silently ignored), each bad value named with its reason. An empty value is the same
 * as the parameter left out (what an HTML form sends for an empty field).
 */
final class SearchParameters {

    /** The parameters understood, in the order the docs list them. */
    static final List<String> NAMES = List.of("type", "subject", "runId", "model", "rule", "outcome", "from", "to",
            "limit", "cursor");

    /** Longest value accepted. */
    static final int MAX_LENGTH = 1_024;

    /** A query, or what is wrong with the parameters. */
    sealed interface Read permits Valid, Invalid {
    }

    record Valid(HistoryQuery query) implements Read {
    }

    record Invalid(Problem problem) implements Read {
    }

    private SearchParameters() {
    }

    static Read read(Map<String, List<String>> parameters, int defaultLimit, int maxLimit, int scanLimit) {
        List<String> unknown = parameters.keySet().stream().filter(n -> !NAMES.contains(n)).sorted().toList();
        if (!unknown.isEmpty()) {
            return new Invalid(Problem.of(400, "unknown-parameter", "Unknown query parameter",
                    "GET /events does not know " + String.join(", ", unknown) + "; it takes " + String.join(", ", NAMES)
                            + " (docs/reliability.md, \"Searching the history\")")
                    .withErrors(unknown.stream().map(n -> new Problem.FieldError(n, "unknown parameter")).toList()));
        }
        List<Problem.FieldError> errors = new ArrayList<>();
        for (Map.Entry<String, List<String>> p : parameters.entrySet()) {
            if (p.getValue().size() > 1) {
                errors.add(new Problem.FieldError(p.getKey(), "given " + p.getValue().size() + " times; give it once"));
            } else if (p.getValue().size() == 1 && p.getValue().get(0).length() > MAX_LENGTH) {
                errors.add(new Problem.FieldError(p.getKey(), "longer than " + MAX_LENGTH + " characters"));
            }
        }
        if (!errors.isEmpty()) {
            return invalid(errors);
        }
        Map<String, List<String>> given = parameters;
        Function<String, String> value = name -> {
            List<String> v = given.get(name);
            return v == null || v.isEmpty() || v.get(0).isBlank() ? null : v.get(0).strip();
        };
        int limit = defaultLimit;
        String limitText = value.apply("limit");
        if (limitText != null) {
            try {
                limit = Integer.parseInt(limitText);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > maxLimit) {
                errors.add(new Problem.FieldError("limit", "a whole number from 1 to " + maxLimit
                        + " (ledger.history.max-limit); got " + limitText));
            }
        }
        HistoryQuery.Outcome outcome = null;
        String outcomeText = value.apply("outcome");
        if (outcomeText != null) {
            outcome = HistoryQuery.Outcome.parse(outcomeText).orElse(null);
            if (outcome == null) {
                errors.add(new Problem.FieldError("outcome", "one of " + HistoryQuery.Outcome.keys() + "; got "
                        + outcomeText));
            }
        }
        Instant from = instant("from", value.apply("from"), errors);
        Instant to = instant("to", value.apply("to"), errors);
        if (from != null && to != null && !from.isBefore(to)) {
            errors.add(new Problem.FieldError("to", "must be after from (" + from + "); got " + to));
        }
        HistoryQuery.Cursor cursor = null;
        String cursorText = value.apply("cursor");
        if (cursorText != null) {
            try {
                cursor = HistoryQuery.Cursor.parse(cursorText);
            } catch (IllegalArgumentException e) {
                errors.add(new Problem.FieldError("cursor", e.getMessage() + "; got " + cursorText));
            }
        }
        if (!errors.isEmpty()) {
            return invalid(errors);
        }
        return new Valid(new HistoryQuery(value.apply("type"), value.apply("subject"), value.apply("runId"),
                value.apply("model"), value.apply("rule"), outcome, from, to, limit, cursor, scanLimit));
    }

    /** ISO-8601 with an offset: {@code 2026-03-14T09:30:00Z}, {@code 2026-03-14T10:30:00+01:00}. */
    private static Instant instant(String name, String text, List<Problem.FieldError> errors) {
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            errors.add(new Problem.FieldError(name, "an ISO-8601 date and time with an offset, e.g. "
                    + "2026-03-14T09:30:00Z; got " + text));
            return null;
        }
    }

    private static Invalid invalid(List<Problem.FieldError> errors) {
        String detail = String.join("; ", errors.stream().map(e -> e.field() + ": " + e.reason()).toList());
        return new Invalid(Problem.of(400, "invalid-query", "Invalid search of the history", detail)
                .withErrors(errors));
    }
}
