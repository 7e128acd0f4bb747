package io.amlrouter.rules.filter;

import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** Rendering of values for violation messages and explanations. Never used on the evaluation hot path. */
final class Texts {

    /** Longest JSON rendering of an event value quoted in a message before it is cut. */
    static final int MAX_SHOWN = 80;

    private static final JsonMapper JSON = JsonMapper.builder().build();

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

    /**
     * The compact JSON of a value, cut to {@link #MAX_SHOWN} characters. Written into a buffer that stops at the cut, so
     * showing a large value costs no more than showing a small one; a value nested deeper than Jackson writes (1,000
     * levels, {@code StreamWriteConstraints}) shows as {@code […]} or {@code {…}}.
     */
    static String json(JsonNode node) {
        if (node.isTextual()) {
            return quotedCut(node.textValue());
        }
        return written(node);
    }

    /**
     * {@link #json} of a string value without a generator (the explained history's near misses show the subject or a
     * data string for many events). Escaping is per character, so the literal of the first {@link #MAX_SHOWN}
     * characters is the start of the whole literal: the same text as the generator's, cut at the same place.
     */
    private static String quotedCut(String text) {
        boolean cut = text.length() > MAX_SHOWN;
        StringBuilder literal = new StringBuilder(MAX_SHOWN + 8).append('"');
        JsonStringEncoder.getInstance().quoteAsString(cut ? text.substring(0, MAX_SHOWN) : text, literal);
        if (!cut) {
            literal.append('"');
        }
        return literal.length() > MAX_SHOWN ? literal.substring(0, MAX_SHOWN - 1) + "…" : literal.toString();
    }

    /** {@link #json} written by Jackson's generator, for any value. */
    static String written(JsonNode node) {
        Cut out = new Cut();
        try (JsonGenerator generator = JSON.createGenerator(out)) {
            JSON.writeTree(generator, node);
        } catch (Cut.Full e) {
            return out.text.substring(0, MAX_SHOWN - 1) + "…";
        } catch (IOException | RuntimeException e) {
            return node.isArray() ? "[…]" : node.isObject() ? "{…}" : "…";
        }
        return out.text.toString();
    }

    /** Keeps the first {@link #MAX_SHOWN} characters written and one more, then refuses to take more. */
    private static final class Cut extends Writer {

        /** Thrown once the text is longer than {@link #MAX_SHOWN}; carries no stack trace. */
        static final class Full extends IOException {
            Full() {
                super(null, null);
            }

            @Override
            public synchronized Throwable fillInStackTrace() {
                return this;
            }
        }

        final StringBuilder text = new StringBuilder(MAX_SHOWN + 1);

        @Override
        public void write(char[] chars, int offset, int length) throws IOException {
            int room = MAX_SHOWN + 1 - text.length();
            text.append(chars, offset, Math.min(room, length));
            if (text.length() > MAX_SHOWN) {
                throw new Full();
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
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
