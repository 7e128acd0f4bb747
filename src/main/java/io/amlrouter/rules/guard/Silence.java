package io.amlrouter.rules.guard;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;

import io.amlrouter.events.MlEvent;
import io.amlrouter.rules.filter.EventFilter;

/**
 * A time-boxed matcher that stops the actions of the events it matches: an Event Grid filter (the same
 * {@code filter:} object a rule has) between {@code startsAt} (inclusive) and {@code endsAt} (exclusive).
 * Declared in the rules file ({@code silences:}) or created through the admin API ({@code POST /silences}).
 *
 * @param filterSource the filter as written
 * @param origin {@link #RULES_FILE} or {@link #API}
 */
public record Silence(String id, JsonNode filterSource, EventFilter filter, Instant startsAt, Instant endsAt,
        String comment, String createdBy, Instant createdAt, String origin) {

    public static final String RULES_FILE = "rules-file";
    public static final String API = "api";

    /** Where the silence stands at {@code now}: {@code pending}, {@code active} or {@code expired}. */
    public String status(Instant now) {
        if (now.isBefore(startsAt)) {
            return "pending";
        }
        return now.isBefore(endsAt) ? "active" : "expired";
    }

    public boolean activeAt(Instant now) {
        return !now.isBefore(startsAt) && now.isBefore(endsAt);
    }

    /** Whether it is active at {@code now} and its filter matches the event. */
    public boolean silences(MlEvent event, Instant now) {
        return activeAt(now) && filter.matches(event.raw());
    }
}
