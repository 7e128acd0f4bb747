package io.amlrouter.rules.filter;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A JSON field name prepared, once, for the case-insensitive lookup Azure ML payloads need.
 *
 * <p>
 * Azure ML sends {@code data} fields in camelCase or PascalCase depending on the source (reference §0.1), so a filter key
 * written either way has to find the field. Lookup tries the name as written, then the name with its first letter's case
 * flipped (covers camelCase ⇄ PascalCase without allocating), and only then scans the object's fields comparing
 * case-insensitively. An exact match always wins over a case-insensitive one; among several case-insensitive matches the
 * first in document order wins.
 */
final class FieldName {

    private final String exact;
    private final String flipped;

    FieldName(String exact) {
        this.exact = exact;
        this.flipped = flipFirst(exact);
    }

    String text() {
        return exact;
    }

    /** The field's value in {@code object}, or {@code null} when {@code object} is not an object or has no such field. */
    JsonNode lookup(JsonNode object) {
        if (object == null || !object.isObject()) {
            return null;
        }
        JsonNode value = object.get(exact);
        if (value != null) {
            return value;
        }
        if (flipped != null) {
            value = object.get(flipped);
            if (value != null) {
                return value;
            }
        }
        return scan(object);
    }

    /** Exact and flipped-first-letter lookup only; {@code null} when neither is present. */
    JsonNode lookupFast(JsonNode object) {
        JsonNode value = object.get(exact);
        if (value == null && flipped != null) {
            value = object.get(flipped);
        }
        return value;
    }

    /** Case-insensitive scan over the object's fields; {@code null} when none matches. */
    JsonNode scan(JsonNode object) {
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            if (field.getKey().equalsIgnoreCase(exact)) {
                return field.getValue();
            }
        }
        return null;
    }

    private static String flipFirst(String name) {
        if (name.isEmpty()) {
            return null;
        }
        char first = name.charAt(0);
        char other = Character.isUpperCase(first) ? Character.toLowerCase(first) : Character.toUpperCase(first);
        return other == first ? null : other + name.substring(1);
    }
}
