package io.amlrouter.events;

import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

/**
 * Lenient reads from Jackson trees. Azure ML sends {@code data} keys in camelCase or PascalCase
 * depending on the source (reference §0.1), so member lookups try the exact name first and then
 * ignore case.
 */
public final class Json {

    private Json() {
    }

    /** The member named {@code name}, exact match first, then ignoring case; a missing node when absent. */
    public static JsonNode field(JsonNode node, String name) {
        if (node == null || !node.isObject()) {
            return MissingNode.getInstance();
        }
        JsonNode exact = node.get(name);
        if (exact != null) {
            return exact;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return MissingNode.getInstance();
    }

    /** Text of a scalar member (numbers and booleans as their JSON text); null when absent, null or not a scalar. */
    public static String text(JsonNode node, String name) {
        return scalarText(field(node, name));
    }

    /** Text of a scalar node; null for missing, null, objects and arrays. */
    public static String scalarText(JsonNode value) {
        if (value == null || value.isMissingNode() || value.isNull() || value.isContainerNode()) {
            return null;
        }
        return value.asText();
    }

    /** A number member as a double (a numeric string is accepted); null when absent or not numeric. */
    public static Double number(JsonNode node, String name) {
        JsonNode value = field(node, name);
        if (value.isNumber()) {
            return value.doubleValue();
        }
        if (value.isTextual()) {
            try {
                return Double.valueOf(value.textValue().trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /** An object member as an ordered map of its scalar members' text (nested values as JSON text). */
    public static Map<String, String> stringMap(JsonNode node, String name) {
        JsonNode value = field(node, name);
        if (!value.isObject() || value.isEmpty()) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        value.fields().forEachRemaining(e -> {
            JsonNode v = e.getValue();
            out.put(e.getKey(), v.isNull() ? null : v.isValueNode() ? v.asText() : v.toString());
        });
        return Collections.unmodifiableMap(out);
    }
}
