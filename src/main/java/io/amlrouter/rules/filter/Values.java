package io.amlrouter.rules.filter;

import com.fasterxml.jackson.databind.JsonNode;

import io.amlrouter.rules.diagnostics.Diagnostics;

/** Reads filter operand values, reporting a violation at {@code path} for each one of the wrong type. */
final class Values {

    private Values() {
    }

    /**
     * A string value. YAML scalars that parsed as numbers or booleans ({@code values: [14]}) are taken as their text,
     * because a user writing them for a string operator means the text. Integers are taken silently; booleans and
     * fractional numbers warn, because their text may not be what was typed ({@code yes} reads as {@code true},
     * {@code 1.50} as {@code 1.5}).
     *
     * @return {@code null} after reporting an error
     */
    static String text(JsonNode node, String path, Diagnostics diagnostics) {
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isIntegralNumber()) {
            return node.asText();
        }
        if (node.isBoolean()) {
            String text = node.asText();
            diagnostics.warning(path, text + " was read as a boolean and is compared as the text " + Texts.quote(text)
                    + "; YAML also reads yes, no, on and off as booleans, so quote the value to keep its exact text");
            return text;
        }
        if (node.isNumber()) {
            String text = node.asText();
            diagnostics.warning(path, text + " was read as a number and is compared as the text " + Texts.quote(text)
                    + "; quote the value to keep its exact text");
            return text;
        }
        diagnostics.error(path, Texts.shown(node) + " is not a string");
        return null;
    }

    /** A finite JSON number; {@code null} after reporting an error. */
    static Number number(JsonNode node, String path, Diagnostics diagnostics) {
        if (!node.isNumber()) {
            diagnostics.error(path, Texts.shown(node) + " is not a number");
            return null;
        }
        if (!Double.isFinite(node.doubleValue())) {
            diagnostics.error(path, node.asText() + " is not a finite number");
            return null;
        }
        return node.numberValue();
    }

    /** A JSON boolean; {@code null} after reporting an error. */
    static Boolean bool(JsonNode node, String path, Diagnostics diagnostics) {
        if (!node.isBoolean()) {
            diagnostics.error(path, Texts.shown(node) + " is not a boolean; BoolEquals takes true or false");
            return null;
        }
        return node.booleanValue();
    }
}
