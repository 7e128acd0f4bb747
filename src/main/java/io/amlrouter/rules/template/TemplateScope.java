package io.amlrouter.rules.template;

import java.util.List;
import java.util.Locale;

/**
 * The event types a rule can match, as far as its filter tells: placeholders are checked against the
 * data of every one of them. When the filter does not limit the types to ones we know, a placeholder
 * cannot be proven right at load time: one that no known type has is a warning (unless the filter names
 * a type we do not know, whose data may hold it), and a missing value fails at render time (a permanent failure).
 *
 * @param types the canonical names of the possible types, or empty when unknown
 * @param open whether the filter names a type we do not know (e.g. {@code Contoso.Training.Finished}), so its events
 *        may carry any data; only when {@code types} is empty
 */
public record TemplateScope(List<String> types, boolean open) {

    /** A rule whose filter lets any type through. */
    public static final TemplateScope ANY = new TemplateScope(List.of(), false);

    /** A rule whose filter names a type we do not know. */
    public static final TemplateScope OPEN = new TemplateScope(List.of(), true);

    public TemplateScope {
        types = List.copyOf(types);
        open = open && types.isEmpty();
    }

    /**
     * Scope of the given type names; {@link #ANY} when empty or one of them is {@code All}, {@link #OPEN} when one of
     * them is a type we do not know.
     */
    public static TemplateScope of(List<String> types) {
        if (types.isEmpty() || types.stream().anyMatch(t -> t.equalsIgnoreCase("All"))) {
            return ANY;
        }
        if (types.stream().anyMatch(t -> !EventModel.isKnownType(t))) {
            return OPEN;
        }
        return new TemplateScope(types.stream()
                .map(t -> EventModel.knownTypes().stream().filter(k -> k.equalsIgnoreCase(t)).findFirst().orElse(t))
                .distinct().toList(), false);
    }

    public boolean isKnown() {
        return !types.isEmpty();
    }

    /** True when every possible type carries a run (and therefore a studio link). */
    public boolean allHaveStudioUrl() {
        return isKnown() && types.stream().allMatch(t -> EventModel.TYPES_WITH_STUDIO_URL.contains(t.toLowerCase(Locale.ROOT)));
    }
}
