package io.amlrouter.rules.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The data keys a placeholder reads in a rule whose filter lets every event type through (no
 * {@code includedEventTypes}, or {@code All}): a key that no type of the {@link EventCatalog} has, in any casing and
 * not under a free-form map ({@code data.driftCoeficient}), or a member of a field that is never a map
 * ({@code data.runId.x}), has no value in any of their events; the reason is said with "did you mean" as
 * {@link FilterLint} says it for a filter's key. The template compiler reports it as a warning, not an error: the rule
 * still matches, and may also receive a type the catalog does not know, and the action still runs (failing, or taking
 * its default), so the file is not refused.
 */
public final class AnyTypeDataKeys {

    private AnyTypeDataKeys() {
    }

    /**
     * The types whose events can hold {@code data.<keys>}: they have the member, and it is a free-form map when more
     * keys follow.
     *
     * @param keys the properties read after {@code data}: the member, then any read after it
     */
    public static List<EventTypeSchema> typesHaving(List<String> keys) {
        if (keys.isEmpty()) {
            return EventCatalog.types();
        }
        return EventCatalog.types().stream()
                .filter(t -> t.field(keys.get(0)).filter(f -> keys.size() == 1 || f.isMap()).isPresent()).toList();
    }

    /**
     * Why {@code data.<keys>} is in no known type's data, or empty when some type can have it.
     *
     * @param keys the properties read after {@code data}: the member, then any read after it
     * @param prefix how a suggested key is shown, before the member: {@code event.data.}
     * @param consequence what follows from it, e.g. "the action fails for every event"
     */
    public static Optional<String> missing(List<String> keys, String prefix, String consequence) {
        if (!typesHaving(keys).isEmpty()) {
            return Optional.empty();
        }
        String member = keys.get(0);
        List<DataField> scalars = new ArrayList<>();
        EventCatalog.types().forEach(t -> t.field(member).ifPresent(scalars::add));
        if (!scalars.isEmpty()) {
            return Optional.of("data." + scalars.get(0).name() + " is " + scalars.get(0).type().describe()
                    + ", with no members, so " + consequence);
        }
        String[] segments = new String[keys.size() + 1];
        segments[0] = "data";
        for (int i = 0; i < keys.size(); i++) {
            segments[i + 1] = keys.get(i);
        }
        return Optional.of(FilterLint.quote(prefix + String.join(".", keys)) + " is not a data field of any event type, "
                + "so " + consequence + FilterLint.keyHint(member, segments, Scope.EVERY_TYPE, prefix));
    }
}
