package io.amlrouter.rules.filter;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One event prepared for evaluation by every filter of a rule set: the raw event object, with the values most filters
 * read (the event type, the subject and the {@code data} member) looked up once, on first use, instead of once per
 * filter. The lookups are the filters' own ({@link FilterKey#eventType()}, {@link FilterKey#subject()}, the
 * {@code data} step of a data path), so a filter sees exactly the values it would find itself.
 *
 * <p>
 * Not thread-safe: one event, one evaluation, one thread. The router makes one per event ({@code RuleSet.matching},
 * {@code RoutingRecord.evaluate}).
 */
public final class FilterTarget {

    private final JsonNode raw;
    private JsonNode type;
    private JsonNode subject;
    private JsonNode data;
    private byte resolved;

    private static final byte TYPE = 1;
    private static final byte SUBJECT = 2;
    private static final byte DATA = 4;

    private FilterTarget(JsonNode raw) {
        this.raw = raw;
    }

    /** The event object (either schema) as delivered. */
    public static FilterTarget of(JsonNode raw) {
        return new FilterTarget(raw);
    }

    /** The event object itself. */
    public JsonNode raw() {
        return raw;
    }

    /** {@code eventType}, else {@code type}, as {@code includedEventTypes} compares it; null when missing. */
    JsonNode type() {
        if ((resolved & TYPE) == 0) {
            type = EventFilter.EVENT_TYPE.resolve(raw);
            resolved |= TYPE;
        }
        return type;
    }

    /** The subject, as the subject filters compare it; null when missing. */
    JsonNode subject() {
        if ((resolved & SUBJECT) == 0) {
            subject = EventFilter.SUBJECT.resolve(raw);
            resolved |= SUBJECT;
        }
        return subject;
    }

    /** The {@code data} member, found as a data path's first step finds it; null when missing. */
    JsonNode data() {
        if ((resolved & DATA) == 0) {
            data = FilterKey.DataPath.DATA.lookup(raw);
            resolved |= DATA;
        }
        return data;
    }
}
