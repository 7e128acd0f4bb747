package io.amlrouter.rules.filter;

import java.util.Arrays;
import java.util.List;

import io.amlrouter.rules.diagnostics.Diagnostics;

/**
 * Validates an advanced filter's {@code key}: {@code data}, {@code data.a.b.c} (first segment case-insensitive) or one
 * event attribute of either schema.
 *
 * <p>
 * Anything else is an error rather than a key that silently never matches. The most common slip, writing
 * {@code runStatus} for {@code data.runStatus}, gets that exact suggestion.
 */
final class KeyParser {

    private KeyParser() {
    }

    /** The compiled key, or {@code null} after reporting an error at {@code path}. */
    static FilterKey parse(String text, String path, Diagnostics diagnostics) {
        if (text.isBlank()) {
            diagnostics.error(path, "must not be blank");
            return null;
        }
        if (!text.equals(text.strip())) {
            diagnostics.error(path, Texts.quote(text) + " must not start or end with spaces");
            return null;
        }
        List<String> segments = Arrays.asList(text.split("\\.", -1));
        if (segments.get(0).equalsIgnoreCase("data")) {
            if (segments.subList(1, segments.size()).stream().anyMatch(String::isEmpty)) {
                diagnostics.error(path, Texts.quote(text)
                        + " has an empty segment; write data or data.<field>, nesting with dots as in data.a.b");
                return null;
            }
            return new FilterKey.DataPath(text, segments.subList(1, segments.size()));
        }
        List<String> names = segments.size() == 1 ? FilterKey.ATTRIBUTES.get(FilterKey.lower(text)) : null;
        if (names != null) {
            return FilterKey.Attribute.of(text, names);
        }
        diagnostics.error(path, Texts.quote(text) + " is not an event attribute; did you mean "
                + Texts.quote("data." + text) + "? A key is data.<field> (nest with dots) or one of the attributes "
                + String.join(", ", FilterKey.ATTRIBUTE_NAMES));
        return null;
    }
}
