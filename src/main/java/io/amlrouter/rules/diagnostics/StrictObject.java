package io.amlrouter.rules.diagnostics;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads one object of the rules file strictly: every key must be known (an unknown one is reported
 * with the closest known key), every value must have the expected type, and every problem is reported
 * with its full path instead of stopping at the first.
 */
public final class StrictObject {

    private final JsonNode node;
    private final String path;
    private final Diagnostics diagnostics;

    private StrictObject(JsonNode node, String path, Diagnostics diagnostics) {
        this.node = node;
        this.path = path;
        this.diagnostics = diagnostics;
    }

    /**
     * Opens {@code node} as an object with the given keys; empty (and reported) when it is not an
     * object. Unknown keys are reported but do not stop the reading of the known ones.
     */
    public static Optional<StrictObject> open(JsonNode node, String path, Diagnostics diagnostics, List<String> keys) {
        if (node == null || !node.isObject()) {
            diagnostics.error(path, "must be a mapping (key: value), got " + describe(node));
            return Optional.empty();
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
            String key = it.next();
            if (!keys.contains(key)) {
                diagnostics.error(child(path, key), "unknown key \"" + key + "\""
                        + Suggestions.closest(key, keys).map(k -> "; did you mean \"" + k + "\"?").orElse("")
                        + " (known: " + String.join(", ", keys) + ")");
            }
        }
        return Optional.of(new StrictObject(node, path, diagnostics));
    }

    public String path() {
        return path;
    }

    public String path(String key) {
        return child(path, key);
    }

    public Diagnostics diagnostics() {
        return diagnostics;
    }

    public boolean has(String key) {
        JsonNode v = node.get(key);
        return v != null && !v.isNull();
    }

    /** The raw value of a key, when present and not null. */
    public Optional<JsonNode> node(String key) {
        JsonNode v = node.get(key);
        return v == null || v.isNull() ? Optional.empty() : Optional.of(v);
    }

    /** A string value; numbers and booleans are read as their text (YAML types them on its own). */
    public Optional<String> string(String key, boolean required) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            if (required) {
                diagnostics.error(path(key), "is required");
            }
            return Optional.empty();
        }
        if (!v.isValueNode()) {
            diagnostics.error(path(key), "must be a string, got " + describe(v));
            return Optional.empty();
        }
        String s = v.asText();
        if (required && s.isBlank()) {
            diagnostics.error(path(key), "must not be empty");
            return Optional.empty();
        }
        return Optional.of(s);
    }

    /** A list of strings; a single string is read as a list of one. */
    public Optional<List<String>> strings(String key, boolean required) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            if (required) {
                diagnostics.error(path(key), "is required");
            }
            return Optional.empty();
        }
        if (v.isValueNode()) {
            return Optional.of(List.of(v.asText()));
        }
        if (!v.isArray()) {
            diagnostics.error(path(key), "must be a list of strings, got " + describe(v));
            return Optional.empty();
        }
        List<String> out = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < v.size(); i++) {
            JsonNode item = v.get(i);
            if (!item.isValueNode() || item.isNull()) {
                diagnostics.error(path(key) + "[" + i + "]", "must be a string, got " + describe(item));
                ok = false;
            } else {
                out.add(item.asText());
            }
        }
        if (required && ok && out.isEmpty()) {
            diagnostics.error(path(key), "must not be empty");
            return Optional.empty();
        }
        return ok ? Optional.of(List.copyOf(out)) : Optional.empty();
    }

    /** A whole number within [min, max]. */
    public OptionalInt integer(String key, int min, int max) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return OptionalInt.empty();
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            diagnostics.error(path(key), "must be a whole number, got " + describe(v));
            return OptionalInt.empty();
        }
        int i = v.intValue();
        if (i < min || i > max) {
            diagnostics.error(path(key), "must be between " + min + " and " + max + ", got " + i);
            return OptionalInt.empty();
        }
        return OptionalInt.of(i);
    }

    public Optional<Boolean> bool(String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isBoolean()) {
            diagnostics.error(path(key), "must be true or false, got " + describe(v));
            return Optional.empty();
        }
        return Optional.of(v.booleanValue());
    }

    /** An object value, as a map of its string members (for headers, parameters). */
    public Optional<JsonNode> object(String key, boolean required) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            if (required) {
                diagnostics.error(path(key), "is required");
            }
            return Optional.empty();
        }
        if (!v.isObject()) {
            diagnostics.error(path(key), "must be a mapping, got " + describe(v));
            return Optional.empty();
        }
        return Optional.of(v);
    }

    public static String child(String path, String key) {
        return path == null || path.isEmpty() ? key : path + "." + key;
    }

    /** "a string \"x\"", "a list", ... for messages. */
    public static String describe(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return "nothing";
        }
        if (v.isTextual()) {
            String t = v.textValue();
            return "the string \"" + (t.length() > 60 ? t.substring(0, 60) + "..." : t) + "\"";
        }
        if (v.isNumber()) {
            return "the number " + v.asText();
        }
        if (v.isBoolean()) {
            return v.asText();
        }
        if (v.isArray()) {
            return "a list";
        }
        return "a mapping";
    }

    /** Key names of an object in order. */
    public static List<String> keys(JsonNode object) {
        List<String> keys = new ArrayList<>();
        object.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    /** Entries of an object in order. */
    public static List<Map.Entry<String, JsonNode>> entries(JsonNode object) {
        List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
        object.fields().forEachRemaining(out::add);
        return out;
    }
}
