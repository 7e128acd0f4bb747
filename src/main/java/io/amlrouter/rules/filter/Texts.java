package io.amlrouter.rules.filter;

import java.util.List;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;

/** Rendering of values for violation messages and explanations. Never used on the evaluation hot path. */
final class Texts {

    /** Longest JSON rendering of an event value quoted in a message before it is cut. */
    static final int MAX_SHOWN = 80;

    private Texts() {
    }

    /** {@code [Failed, Canceled]}: filter values as the user wrote them, unquoted. */
    static String list(List<?> values) {
        return values.stream().map(String::valueOf).collect(Collectors.joining(", ", "[", "]"));
    }

    /** A JSON string literal. */
    static String quote(String text) {
        return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + '"';
    }

    /** The compact JSON of a value, cut to {@link #MAX_SHOWN} characters. */
    static String json(JsonNode node) {
        String json;
        try {
            json = node.toString();
        } catch (RuntimeException e) {
            // Jackson refuses to write a tree nested more than 1,000 deep (StreamWriteConstraints) and throws. Parsed
            // events and rules files nest at most 64, but messages must not depend on that.
            return node.isArray() ? "[…]" : node.isObject() ? "{…}" : "…";
        }
        return json.length() <= MAX_SHOWN ? json : json.substring(0, MAX_SHOWN - 1) + "…";
    }

    /** An event value with its JSON type, e.g. {@code a string ("14")}, {@code null}, {@code an object ({...})}. */
    static String describe(JsonNode node) {
        if (node.isNull()) {
            return "null";
        }
        return article(eventTypeWord(node)) + " (" + json(node) + ")";
    }

    /** JSON type names as used for events: string, number, boolean, array, object. */
    static String eventTypeWord(JsonNode node) {
        if (node.isTextual()) {
            return "string";
        }
        if (node.isNumber()) {
            return "number";
        }
        if (node.isBoolean()) {
            return "boolean";
        }
        if (node.isArray()) {
            return "array";
        }
        if (node.isObject()) {
            return "object";
        }
        return node.isNull() ? "null" : node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Type names as a YAML or JSON rules author thinks of them: "a string", "a list", "an object", "null". */
    static String authorType(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return "null";
        }
        if (node.isArray()) {
            return "a list";
        }
        return article(eventTypeWord(node));
    }

    /** A rules-file value as shown in a violation: strings quoted, everything else as compact JSON. */
    static String shown(JsonNode node) {
        return node == null || node.isMissingNode() ? "null" : json(node);
    }

    private static String article(String word) {
        return ("aeiou".indexOf(word.charAt(0)) >= 0 ? "an " : "a ") + word;
    }
}
