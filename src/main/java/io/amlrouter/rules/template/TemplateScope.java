package io.amlrouter.rules.template;

import java.util.List;
import java.util.Locale;

/**
 * The event types a rule can match, as far as its filter tells: placeholders are checked against the
 * data of every one of them. When the filter does not limit the types to ones we know, {@code event.data}
 * placeholders cannot be checked at load time and fail at render time instead (a permanent failure).
 *
 * @param types the canonical names of the possible types, or empty when unknown
 */
public record TemplateScope(List<String> types) {

    /** A rule whose filter lets any type through. */
    public static final TemplateScope ANY = new TemplateScope(List.of());

    public TemplateScope {
        types = List.copyOf(types);
    }

    /** Scope of the given type names; {@link #ANY} when one of them is unknown or is {@code All}. */
    public static TemplateScope of(List<String> types) {
        if (types.isEmpty() || types.stream().anyMatch(t -> t.equalsIgnoreCase("All") || !EventModel.isKnownType(t))) {
            return ANY;
        }
        return new TemplateScope(types.stream()
                .map(t -> EventModel.knownTypes().stream().filter(k -> k.equalsIgnoreCase(t)).findFirst().orElse(t))
                .distinct().toList());
    }

    public boolean isKnown() {
        return !types.isEmpty();
    }

    /** True when every possible type carries a run (and therefore a studio link). */
    public boolean allHaveStudioUrl() {
        return isKnown() && types.stream().allMatch(t -> EventModel.TYPES_WITH_STUDIO_URL.contains(t.toLowerCase(Locale.ROOT)));
    }
}
