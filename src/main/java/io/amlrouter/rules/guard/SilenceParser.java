package io.amlrouter.rules.guard;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import io.amlrouter.rules.diagnostics.Diagnostics;
import io.amlrouter.rules.diagnostics.StrictObject;
import io.amlrouter.rules.filter.EventFilter;
import io.amlrouter.rules.filter.FilterParser;

/**
 * Reads silences strictly, as the rest of the rules file is read: unknown keys are errors, the filter is
 * compiled by {@link FilterParser}, times are ISO-8601 with an offset ({@code 2026-03-14T22:00:00Z}) and
 * {@code endsAt} comes after {@code startsAt}. The same checks serve the rules file's {@code silences:} list and
 * the body of {@code POST /silences}.
 */
public final class SilenceParser {

    static final List<String> FILE_KEYS = List.of("id", "filter", "startsAt", "endsAt", "comment", "createdBy");
    static final List<String> API_KEYS = List.of("filter", "startsAt", "endsAt", "comment", "createdBy");
    static final Pattern ID = Pattern.compile("^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$");
    static final int MAX_COMMENT = 1000;
    static final int MAX_CREATED_BY = 200;

    private SilenceParser() {
    }

    /** The rules file's {@code silences:} list; each error is reported with its path ({@code silences[1].endsAt}). */
    public static List<Silence> fromFile(JsonNode list, Diagnostics d, Instant loadedAt) {
        if (!list.isArray()) {
            d.error("silences", "must be a list of silences, got " + StrictObject.describe(list));
            return List.of();
        }
        List<Silence> out = new ArrayList<>();
        Map<String, Integer> ids = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            String path = "silences[" + i + "]";
            Optional<StrictObject> o = StrictObject.open(list.get(i), path, d, FILE_KEYS);
            if (o.isEmpty()) {
                continue;
            }
            int before = d.errors().size();
            Optional<String> id = o.get().string("id", true);
            int index = i;
            id.ifPresent(v -> {
                if (!ID.matcher(v).matches()) {
                    d.error(o.get().path("id"), "\"" + v + "\" must be 1-63 characters of a-z, 0-9 and '-', starting "
                            + "and ending with a letter or digit");
                }
                Integer first = ids.putIfAbsent(v, index);
                if (first != null) {
                    d.error(o.get().path("id"), "duplicate silence id \"" + v + "\" (also silences[" + first + "])");
                }
            });
            Optional<Times> times = times(o.get(), true, null, d);
            Optional<EventFilter> filter = filter(o.get(), d);
            Optional<String> comment = text(o.get(), "comment", true, MAX_COMMENT);
            Optional<String> createdBy = text(o.get(), "createdBy", false, MAX_CREATED_BY);
            if (d.errors().size() == before && id.isPresent() && times.isPresent() && filter.isPresent()) {
                out.add(new Silence(id.get(), o.get().node("filter").get(), filter.get(), times.get().startsAt(),
                        times.get().endsAt(), comment.orElse(null), createdBy.orElse(null), loadedAt, Silence.RULES_FILE));
            }
        }
        return out;
    }

    /**
     * The body of {@code POST /silences}: {@code startsAt} defaults to {@code now}, {@code endsAt} must be in the
     * future, {@code comment} and {@code createdBy} are required. Paths are the body's field names.
     */
    public static Optional<Silence> fromApi(JsonNode body, Diagnostics d, Instant now, String id) {
        Optional<StrictObject> opened = StrictObject.open(body, "", d, API_KEYS);
        if (opened.isEmpty()) {
            return Optional.empty();
        }
        StrictObject o = opened.get();
        int before = d.errors().size();
        Optional<Times> times = times(o, false, now, d);
        times.ifPresent(t -> {
            if (!t.endsAt().isAfter(now)) {
                d.error(o.path("endsAt"), "is not in the future (" + t.endsAt() + "); a silence must end later than now");
            }
        });
        Optional<EventFilter> filter = filter(o, d);
        Optional<String> comment = text(o, "comment", true, MAX_COMMENT);
        Optional<String> createdBy = text(o, "createdBy", true, MAX_CREATED_BY);
        if (d.errors().size() > before || times.isEmpty() || filter.isEmpty() || comment.isEmpty()
                || createdBy.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Silence(id, o.node("filter").get(), filter.get(), times.get().startsAt(),
                times.get().endsAt(), comment.get(), createdBy.get(), now, Silence.API));
    }

    /** A silence kept in the store, compiled again (it was checked when it was created). */
    public static Optional<Silence> fromStore(String id, JsonNode filterSource, Instant startsAt, Instant endsAt,
            String comment, String createdBy, Instant createdAt) {
        Diagnostics d = new Diagnostics();
        return FilterParser.parse(filterSource, "filter", d).filter(f -> !d.hasErrors())
                .map(f -> new Silence(id, filterSource, f, startsAt, endsAt, comment, createdBy, createdAt, Silence.API));
    }

    private record Times(Instant startsAt, Instant endsAt) {
    }

    private static Optional<Times> times(StrictObject o, boolean startRequired, Instant defaultStart, Diagnostics d) {
        Optional<Instant> starts = o.has("startsAt") || startRequired ? time(o, "startsAt", d)
                : Optional.of(defaultStart);
        Optional<Instant> ends = time(o, "endsAt", d);
        if (starts.isEmpty() || ends.isEmpty()) {
            return Optional.empty();
        }
        if (!ends.get().isAfter(starts.get())) {
            d.error(o.path("endsAt"), "must be after startsAt (" + starts.get() + "), got " + ends.get());
            return Optional.empty();
        }
        return Optional.of(new Times(starts.get(), ends.get()));
    }

    private static Optional<Instant> time(StrictObject o, String key, Diagnostics d) {
        return o.string(key, true).flatMap(text -> {
            try {
                return Optional.of(OffsetDateTime.parse(text.strip()).toInstant());
            } catch (DateTimeParseException e) {
                d.error(o.path(key), "\"" + text + "\" is not a time in ISO-8601 with an offset, such as "
                        + "2026-03-14T22:00:00Z or 2026-03-14T23:00:00+01:00");
                return Optional.empty();
            }
        });
    }

    private static Optional<EventFilter> filter(StrictObject o, Diagnostics d) {
        Optional<JsonNode> node = o.object("filter", true);
        return node.flatMap(f -> FilterParser.parse(f, o.path("filter"), d));
    }

    private static Optional<String> text(StrictObject o, String key, boolean required, int max) {
        Optional<String> v = o.string(key, required);
        if (v.isPresent() && v.get().length() > max) {
            o.diagnostics().error(o.path(key), "is " + v.get().length() + " characters; at most " + max);
            return Optional.empty();
        }
        return v;
    }
}
