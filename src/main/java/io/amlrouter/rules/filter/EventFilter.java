package io.amlrouter.rules.filter;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A rule's filter, compiled once from its Event Grid filter object by {@link FilterParser} and then evaluated against
 * every incoming event.
 *
 * <p>
 * Evaluation is Event Grid's: the event type AND the subject filters AND every advanced filter AND (when {@code anyOf} is
 * given) at least one {@code anyOf} group, checked in that order. {@link #matches} is the hot path: it reads the raw
 * event JSON as delivered (Event Grid schema or CloudEvents 1.0), with no parsing, no regex and no allocation on the
 * common path. {@link #explain} evaluates the same parts in the same order and reports the first one that failed, for
 * the dry run. Instances are immutable and safe to share between threads.
 */
public final class EventFilter {

    static final FilterKey EVENT_TYPE = FilterKey.eventType();
    static final FilterKey SUBJECT = FilterKey.subject();
    private static final EventFilter MATCH_ALL = new EventFilter("", null, null, null, false, List.of(), List.of());

    private final String location;
    private final String[] eventTypes;
    private final List<Object> eventTypesShown;
    private final String subjectBeginsWith;
    private final String subjectEndsWith;
    private final String subjectBeginsWithShown;
    private final String subjectEndsWithShown;
    private final boolean subjectCaseSensitive;
    private final AdvancedFilter[] advancedFilters;
    private final EventFilter[] anyOf;
    // The parts firstFailingPart names, made once (not concatenated per event).
    private final String typePart;
    private final String subjectBeginsPart;
    private final String subjectEndsPart;
    private final String anyOfPart;
    // The subject filters as JSON string literals, for the reasons of near misses (the history records one per event).
    private final String subjectBeginsWithQuoted;
    private final String subjectEndsWithQuoted;

    /**
     * @param location prefix of this filter's parts in explanations: {@code ""} at the top, {@code "anyOf[0]."} for a
     *        group
     * @param eventTypes {@code null} to accept every type
     * @param subjectBeginsWith {@code null} or empty for no prefix filter
     * @param subjectEndsWith {@code null} or empty for no suffix filter
     */
    EventFilter(String location, List<String> eventTypes, String subjectBeginsWith, String subjectEndsWith,
            boolean subjectCaseSensitive, List<AdvancedFilter> advancedFilters, List<EventFilter> anyOf) {
        this.location = location;
        this.eventTypes = eventTypes == null ? null
                : eventTypes.stream().map(StringTest::fold).toArray(String[]::new);
        this.eventTypesShown = eventTypes == null ? List.of() : List.copyOf(eventTypes);
        this.subjectCaseSensitive = subjectCaseSensitive;
        this.subjectBeginsWith = subjectFilter(subjectBeginsWith, subjectCaseSensitive);
        this.subjectEndsWith = subjectFilter(subjectEndsWith, subjectCaseSensitive);
        this.subjectBeginsWithShown = subjectBeginsWith;
        this.subjectEndsWithShown = subjectEndsWith;
        this.advancedFilters = advancedFilters.toArray(AdvancedFilter[]::new);
        this.anyOf = anyOf.toArray(EventFilter[]::new);
        this.typePart = location + "includedEventTypes";
        this.subjectBeginsPart = location + "subjectBeginsWith";
        this.subjectEndsPart = location + "subjectEndsWith";
        this.anyOfPart = location + "anyOf";
        this.subjectBeginsWithQuoted = subjectBeginsWith == null ? null : Texts.quote(subjectBeginsWith);
        this.subjectEndsWithQuoted = subjectEndsWith == null ? null : Texts.quote(subjectEndsWith);
    }

    private static String subjectFilter(String value, boolean caseSensitive) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        return caseSensitive ? value : StringTest.fold(value);
    }

    /** The filter of a rule that has none: matches every event. */
    public static EventFilter matchAll() {
        return MATCH_ALL;
    }

    /** Whether {@code event} (one raw event object, either schema) passes this filter. */
    public boolean matches(JsonNode event) {
        return matches(FilterTarget.of(event));
    }

    /**
     * Whether the event passes this filter; the event type, subject and {@code data} it reads are looked up once per
     * {@code event}, whatever number of filters it goes through.
     */
    public boolean matches(FilterTarget event) {
        if (eventTypes != null && !typeMatches(event.type())) {
            return false;
        }
        if ((subjectBeginsWith != null || subjectEndsWith != null) && !subjectMatches(event.subject())) {
            return false;
        }
        for (AdvancedFilter filter : advancedFilters) {
            if (!filter.matches(event)) {
                return false;
            }
        }
        if (anyOf.length == 0) {
            return true;
        }
        for (EventFilter group : anyOf) {
            if (group.matches(event)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Where the event first fails this filter, as {@link #explain}'s {@link Mismatch#filter()} names it
     * ({@code includedEventTypes}, {@code subjectBeginsWith}, {@code advancedFilters[1]}, {@code anyOf}, ...), or
     * {@code null} when it matches. One pass giving the verdict and the place, as cheap as {@link #matches}: no reason
     * is built. The router records it for every rule (the history's explanation).
     */
    public String firstFailingPart(JsonNode event) {
        return firstFailingPart(FilterTarget.of(event));
    }

    /** {@link #firstFailingPart(JsonNode)}, reading what {@code event} has already looked up. */
    public String firstFailingPart(FilterTarget event) {
        if (eventTypes != null && !typeMatches(event.type())) {
            return typePart;
        }
        if (subjectBeginsWith != null || subjectEndsWith != null) {
            JsonNode subject = event.subject();
            if (!subjectMatches(subject)) {
                boolean beginsFails = subjectBeginsWith != null && (subject == null || !subject.isTextual()
                        || !subject.textValue().regionMatches(!subjectCaseSensitive, 0, subjectBeginsWith, 0,
                                subjectBeginsWith.length()));
                return beginsFails ? subjectBeginsPart : subjectEndsPart;
            }
        }
        for (AdvancedFilter filter : advancedFilters) {
            if (!filter.matches(event)) {
                return filter.location();
            }
        }
        if (anyOf.length == 0) {
            return null;
        }
        for (EventFilter group : anyOf) {
            if (group.matches(event)) {
                return null;
            }
        }
        return anyOfPart;
    }

    /** Like {@link #matches}, but says which part failed and why. Slower; meant for the dry run. */
    public FilterResult explain(JsonNode event) {
        Mismatch mismatch = firstMismatch(event);
        return mismatch == null ? new FilterResult.Matched() : new FilterResult.NotMatched(mismatch);
    }

    private Mismatch firstMismatch(JsonNode event) {
        if (eventTypes != null) {
            JsonNode type = EVENT_TYPE.resolve(event);
            if (!typeMatches(type)) {
                return new Mismatch(location + "includedEventTypes", "eventType", null, eventTypesShown, type,
                        type == null, typeReason(type), List.of());
            }
        }
        if (subjectBeginsWith != null || subjectEndsWith != null) {
            JsonNode subject = SUBJECT.resolve(event);
            if (!subjectMatches(subject)) {
                return subjectMismatch(subject);
            }
        }
        for (AdvancedFilter filter : advancedFilters) {
            Mismatch mismatch = filter.explain(event);
            if (mismatch != null) {
                return mismatch;
            }
        }
        if (anyOf.length == 0) {
            return null;
        }
        List<Mismatch> alternatives = new ArrayList<>(anyOf.length);
        for (EventFilter group : anyOf) {
            Mismatch mismatch = group.firstMismatch(event);
            if (mismatch == null) {
                return null;
            }
            alternatives.add(mismatch);
        }
        StringBuilder reason = new StringBuilder("none of the ").append(anyOf.length).append(" anyOf groups matches");
        for (Mismatch alternative : alternatives) {
            reason.append("; ").append(alternative.filter()).append(": ").append(alternative.reason());
        }
        return new Mismatch(location + "anyOf", null, null, List.of(), null, false, reason.toString(), alternatives);
    }

    private boolean typeMatches(JsonNode type) {
        if (type == null || !type.isTextual()) {
            return false;
        }
        String actual = type.textValue();
        for (String candidate : eventTypes) {
            if (actual.equalsIgnoreCase(candidate)) {
                return true;
            }
        }
        return false;
    }

    private String typeReason(JsonNode type) {
        String wanted = "includedEventTypes " + Texts.list(eventTypesShown);
        if (type == null) {
            return "the event has no type (eventType or type); " + wanted + " never matches it";
        }
        if (!type.isTextual()) {
            return "the event type is " + Texts.describe(type) + ", not a string; " + wanted + " never matches it";
        }
        return "event type " + Texts.json(type) + " is not one of " + Texts.list(eventTypesShown)
                + " (compared case-insensitively)";
    }

    private boolean subjectMatches(JsonNode subject) {
        if (subject == null || !subject.isTextual()) {
            return false;
        }
        String actual = subject.textValue();
        if (subjectBeginsWith != null && !actual.regionMatches(!subjectCaseSensitive, 0, subjectBeginsWith, 0,
                subjectBeginsWith.length())) {
            return false;
        }
        return subjectEndsWith == null || actual.regionMatches(!subjectCaseSensitive,
                actual.length() - subjectEndsWith.length(), subjectEndsWith, 0, subjectEndsWith.length());
    }

    private Mismatch subjectMismatch(JsonNode subject) {
        boolean beginsFails = subjectBeginsWith != null && (subject == null || !subject.isTextual()
                || !subject.textValue().regionMatches(!subjectCaseSensitive, 0, subjectBeginsWith, 0,
                        subjectBeginsWith.length()));
        String part = beginsFails ? "subjectBeginsWith" : "subjectEndsWith";
        String written = beginsFails ? subjectBeginsWithShown : subjectEndsWithShown;
        String quoted = beginsFails ? subjectBeginsWithQuoted : subjectEndsWithQuoted;
        String verb = beginsFails ? "begin with " : "end with ";
        String reason;
        if (subject == null) {
            reason = "the event has no subject; " + part + " " + quoted + " never matches it";
        } else if (!subject.isTextual()) {
            reason = "subject is " + Texts.describe(subject) + ", not a string; " + part + " never matches it";
        } else {
            reason = "subject " + Texts.json(subject) + " does not " + verb + quoted
                    + (subjectCaseSensitive ? " (case-sensitive)" : " (case-insensitive)");
        }
        return new Mismatch(location + part, "subject", null, List.of(written), subject, subject == null, reason,
                List.of());
    }

    @Override
    public String toString() {
        return "EventFilter[types=" + eventTypesShown + ", subjectBeginsWith=" + subjectBeginsWithShown
                + ", subjectEndsWith=" + subjectEndsWithShown + ", advancedFilters=" + List.of(advancedFilters)
                + ", anyOf=" + anyOf.length + "]";
    }
}
