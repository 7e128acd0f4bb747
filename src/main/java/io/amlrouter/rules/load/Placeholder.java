package io.amlrouter.rules.load;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A value placeholder of a template text, read without compiling it: its parts ({@code event}, {@code data},
 * {@code runTags}, {@code owner}, {@code lower()}...) and whether it gives a default ({@code ?:}, {@code or(...)}).
 * Sections ({@code {#if}}, {@code {/if}}) and comments are not placeholders. The template compiler has checked the
 * text already; this reading serves the lint's warnings only.
 *
 * @param text the placeholder as written, with its braces
 * @param parts the dotted parts of its first operand; a method call keeps its arguments: {@code truncHash(24)}
 * @param hasDefault whether a missing value takes a default instead of failing the action
 */
record Placeholder(String text, List<String> parts, boolean hasDefault) {

    private static final Pattern EXPRESSION = Pattern.compile("\\{([^{}]*)}");

    /** The placeholders of a text, with the literal text between them. */
    record Split(List<Placeholder> placeholders, List<String> literals) {
    }

    static Split split(String text) {
        List<Placeholder> out = new ArrayList<>();
        List<String> literals = new ArrayList<>();
        Matcher m = EXPRESSION.matcher(text);
        int at = 0;
        while (m.find()) {
            String inner = m.group(1).strip();
            if (inner.isEmpty() || "#/!|".indexOf(inner.charAt(0)) >= 0 || inner.startsWith("'")
                    || inner.startsWith("\"")) {
                continue;
            }
            literals.add(text.substring(at, m.start()));
            out.add(parse(m.group(), inner));
            at = m.end();
        }
        literals.add(text.substring(at));
        return new Split(out, literals);
    }

    private static Placeholder parse(String text, String inner) {
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        int depth = 0;
        char quote = 0;
        boolean hasDefault = false;
        boolean firstOperand = true;
        for (int i = 0; i < inner.length(); i++) {
            char c = inner.charAt(i);
            if (quote != 0) {
                quote = c == quote ? 0 : quote;
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (depth == 0 && c == '?' && i + 1 < inner.length() && inner.charAt(i + 1) == ':') {
                hasDefault = true;
            }
            if (!firstOperand) {
                continue;
            }
            if (depth == 0 && quote == 0 && c == '.') {
                parts.add(part.toString());
                part.setLength(0);
            } else if (depth == 0 && quote == 0 && Character.isWhitespace(c)) {
                firstOperand = false;
            } else {
                part.append(c);
            }
        }
        if (firstOperand || part.length() > 0) {
            parts.add(part.toString());
        }
        parts.removeIf(String::isEmpty);
        hasDefault |= parts.stream().anyMatch(p -> p.startsWith("or(") || p.equals("orEmpty"));
        return new Placeholder(text, List.copyOf(parts), hasDefault);
    }

    /** The data member it reads ({@code runTags} of {@code event.data.runTags.owner}), or null. */
    String dataMember() {
        return parts.size() > 2 && parts.get(0).equals("event") && parts.get(1).equals("data") && isProperty(parts.get(2))
                ? parts.get(2) : null;
    }

    /** The properties read after the data member, before any method call. */
    List<String> beyondMember() {
        List<String> out = new ArrayList<>();
        for (int i = 3; i < parts.size() && isProperty(parts.get(i)); i++) {
            out.add(parts.get(i));
        }
        return out;
    }

    /** The method calls, in order: {@code lower()}, {@code truncHash(24)}. */
    List<String> calls() {
        return parts.stream().filter(p -> !isProperty(p)).toList();
    }

    static boolean isProperty(String part) {
        return part.indexOf('(') < 0;
    }
}
