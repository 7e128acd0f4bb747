package io.amlrouter.ledger;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.BiPredicate;
import java.util.stream.Collectors;

/**
 * A search of the history ({@link OutcomeLedger#search}): every condition given must hold (null: any). Results are
 * newest first by first sight, at most {@code limit}; {@code before} continues after the last event of a previous page.
 * A store reads at most {@code scanLimit} events per page, matching or not: when it stops there, the page says where to
 * go on ({@link HistoryPage#next()}), so a search of a large history is paged however rare its matches are.
 *
 * @param type the event type: the full name ({@code Microsoft.MachineLearningServices.RunStatusChanged}) or its last
 *        segment ({@code RunStatusChanged}); case-insensitive
 * @param subjectPrefix how the subject begins; case-insensitive, as Event Grid's subject filters by default
 * @param runId the run the event is about, exactly
 * @param model the name of a model the event is about (registered, deployed), exactly
 * @param rule the name of a rule the event matched, exactly
 * @param outcome what became of the event, see {@link Outcome}
 * @param from first sight at or after
 * @param to first sight before
 * @param limit the most events a page holds, at least 1
 * @param before where the previous page ended; null for the newest
 * @param scanLimit the most events read to fill one page, at least {@code limit}
 */
public record HistoryQuery(String type, String subjectPrefix, String runId, String model, String rule, Outcome outcome,
        Instant from, Instant to, int limit, Cursor before, int scanLimit) {

    /** Events read per page at most, unless the caller says otherwise. */
    public static final int DEFAULT_SCAN_LIMIT = 5_000;

    public HistoryQuery {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        scanLimit = Math.max(scanLimit, limit);
    }

    /** The newest events, {@code limit} at most, with no condition. */
    public static HistoryQuery newest(int limit) {
        return new HistoryQuery(null, null, null, null, null, null, null, null, limit, null, DEFAULT_SCAN_LIMIT);
    }

    public HistoryQuery withType(String value) {
        return new HistoryQuery(value, subjectPrefix, runId, model, rule, outcome, from, to, limit, before, scanLimit);
    }

    public HistoryQuery withSubjectPrefix(String value) {
        return new HistoryQuery(type, value, runId, model, rule, outcome, from, to, limit, before, scanLimit);
    }

    public HistoryQuery withRunId(String value) {
        return new HistoryQuery(type, subjectPrefix, value, model, rule, outcome, from, to, limit, before, scanLimit);
    }

    public HistoryQuery withModel(String value) {
        return new HistoryQuery(type, subjectPrefix, runId, value, rule, outcome, from, to, limit, before, scanLimit);
    }

    public HistoryQuery withRule(String value) {
        return new HistoryQuery(type, subjectPrefix, runId, model, value, outcome, from, to, limit, before, scanLimit);
    }

    public HistoryQuery withOutcome(Outcome value) {
        return new HistoryQuery(type, subjectPrefix, runId, model, rule, value, from, to, limit, before, scanLimit);
    }

    public HistoryQuery withRange(Instant fromValue, Instant toValue) {
        return new HistoryQuery(type, subjectPrefix, runId, model, rule, outcome, fromValue, toValue, limit, before,
                scanLimit);
    }

    public HistoryQuery withBefore(Cursor value) {
        return new HistoryQuery(type, subjectPrefix, runId, model, rule, outcome, from, to, limit, value, scanLimit);
    }

    public HistoryQuery withScanLimit(int value) {
        return new HistoryQuery(type, subjectPrefix, runId, model, rule, outcome, from, to, limit, before, value);
    }

    /** Whether the event (with its actions) meets every condition but the time range and the cursor. */
    public boolean test(EventHistory history) {
        EventRecord e = history.event();
        if (type != null && !typeMatches(e.type())) {
            return false;
        }
        if (subjectPrefix != null && (e.subject() == null
                || !e.subject().regionMatches(true, 0, subjectPrefix, 0, subjectPrefix.length()))) {
            return false;
        }
        if (runId != null && !runId.equals(e.runId())) {
            return false;
        }
        if (model != null && !e.models().contains(model)) {
            return false;
        }
        if (rule != null && !e.matchedRules().contains(rule)) {
            return false;
        }
        return outcome == null || outcome.test(e, history.actions());
    }

    /** Whether a first sight lies in {@code [from, to)}. */
    public boolean inRange(Instant firstSeen) {
        if (firstSeen == null) {
            return from == null && to == null;
        }
        return (from == null || !firstSeen.isBefore(from)) && (to == null || firstSeen.isBefore(to));
    }

    private boolean typeMatches(String actual) {
        if (actual == null) {
            return false;
        }
        if (actual.equalsIgnoreCase(type)) {
            return true;
        }
        int dot = actual.lastIndexOf('.');
        return type.indexOf('.') < 0 && dot >= 0 && actual.substring(dot + 1).equalsIgnoreCase(type);
    }

    /**
     * What became of an event, as searched by {@code outcome=}. One place for the whole set: a new outcome is a new
     * constant with its name and test.
     */
    public enum Outcome {
        /** At least one rule matched it. */
        MATCHED("matched", (e, actions) -> "routed".equals(e.outcome())),
        /** No rule matched it. */
        UNMATCHED("unmatched", (e, actions) -> "no-rule-matched".equals(e.outcome())),
        /** Its workspace is not in the allow-list: no rule was evaluated. */
        NOT_ALLOWED("not-allowed", (e, actions) -> "workspace-not-allowed".equals(e.outcome())),
        /** An action is failing now: dead-lettered, or its last attempt failed and it is owed again. */
        FAILED("failed", (e, actions) -> actions.stream().anyMatch(a -> a.state() == ActionState.FAILED
                || a.state() == ActionState.PENDING && a.lastError() != null)),
        /** An action failed permanently (a dead letter; replayable). */
        DEAD_LETTER("dead-letter", (e, actions) -> actions.stream().anyMatch(a -> a.state() == ActionState.FAILED)),
        /** An action is still owed or running. */
        PENDING("pending", (e, actions) -> actions.stream()
                .anyMatch(a -> a.state() == ActionState.PENDING || a.state() == ActionState.CLAIMED));

        private final String key;
        private final BiPredicate<EventRecord, List<ActionRecord>> test;

        Outcome(String key, BiPredicate<EventRecord, List<ActionRecord>> test) {
            this.key = key;
            this.test = test;
        }

        /** The name in queries and answers ({@code dead-letter}). */
        public String key() {
            return key;
        }

        public boolean test(EventRecord event, List<ActionRecord> actions) {
            return test.test(event, actions);
        }

        public static Optional<Outcome> parse(String key) {
            return Arrays.stream(values()).filter(o -> o.key.equals(key)).findFirst();
        }

        /** Every name, for messages: {@code matched, unmatched, ...}. */
        public static String keys() {
            return Arrays.stream(values()).map(Outcome::key).collect(Collectors.joining(", "));
        }
    }

    /**
     * Where a page ended: the store's position of its last event (in memory an insertion sequence, in Redis the first
     * sight in epoch ms) and its id. Shown to clients as an opaque token.
     */
    public record Cursor(long position, String id) {

        public String token() {
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((position + ":" + id).getBytes(StandardCharsets.UTF_8));
        }

        /** The cursor of a token; IllegalArgumentException when it is not one. */
        public static Cursor parse(String token) {
            String text;
            try {
                text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("not a cursor of this API (take it from the previous page's next)");
            }
            int colon = text.indexOf(':');
            if (colon < 1 || colon == text.length() - 1) {
                throw new IllegalArgumentException("not a cursor of this API (take it from the previous page's next)");
            }
            try {
                return new Cursor(Long.parseLong(text.substring(0, colon)), text.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a cursor of this API (take it from the previous page's next)");
            }
        }
    }
}
