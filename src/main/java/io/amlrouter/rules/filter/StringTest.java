package io.amlrouter.rules.filter;

import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The eight string operators' core: contains, begins with, ends with or equals any filter value, always
 * case-insensitively ("All string comparisons aren't case-sensitive", reference §6.4).
 *
 * <p>
 * Filter values are lower-cased once ({@link Locale#ROOT}); event values are never lower-cased but compared with
 * {@link String#regionMatches(boolean, int, String, int, int)}, so the hot path allocates nothing. A filter value whose
 * lower-case form changes length (a handful of exotic characters such as {@code İ}) is kept as written, because
 * {@code regionMatches} folds case character by character.
 */
final class StringTest implements ValueTest {

    /** Where the filter value has to appear in the event value. */
    enum Position {
        CONTAINS("contains one of", "contains none of", "contains"),
        BEGINS_WITH("begins with one of", "begins with none of", "begins with"),
        ENDS_WITH("ends with one of", "ends with none of", "ends with"),
        EQUALS("is one of", "is not one of", "equals");

        final String phrase;
        final String negatedPhrase;
        final String hitVerb;

        Position(String phrase, String negatedPhrase, String hitVerb) {
            this.phrase = phrase;
            this.negatedPhrase = negatedPhrase;
            this.hitVerb = hitVerb;
        }
    }

    private final Position position;
    private final String[] values;
    private final List<Object> expected;

    StringTest(Position position, List<String> values) {
        this.position = position;
        this.values = values.stream().map(StringTest::fold).toArray(String[]::new);
        this.expected = List.copyOf(values);
    }

    /** Lower case ({@link Locale#ROOT}) unless that changes the length; see the class comment. */
    static String fold(String value) {
        String lower = value.toLowerCase(Locale.ROOT);
        return lower.length() == value.length() ? lower : value;
    }

    @Override
    public boolean accepts(JsonNode node) {
        return node.isTextual();
    }

    @Override
    public boolean hits(JsonNode node) {
        return firstHit(node.textValue()) >= 0;
    }

    private int firstHit(String actual) {
        for (int i = 0; i < values.length; i++) {
            if (test(actual, values[i])) {
                return i;
            }
        }
        return -1;
    }

    private boolean test(String actual, String value) {
        int length = value.length();
        switch (position) {
            case EQUALS:
                return actual.length() == length && actual.regionMatches(true, 0, value, 0, length);
            case BEGINS_WITH:
                return actual.regionMatches(true, 0, value, 0, length);
            case ENDS_WITH:
                return actual.regionMatches(true, actual.length() - length, value, 0, length);
            default:
                return containsIgnoreCase(actual, value);
        }
    }

    static boolean containsIgnoreCase(String actual, String value) {
        int length = value.length();
        int last = actual.length() - length;
        for (int start = 0; start <= last; start++) {
            if (actual.regionMatches(true, start, value, 0, length)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String typeName() {
        return "strings";
    }

    @Override
    public String phrase() {
        return position.phrase + " " + Texts.list(expected);
    }

    @Override
    public String negatedPhrase() {
        return position.negatedPhrase + " " + Texts.list(expected);
    }

    @Override
    public String hitDetail(JsonNode node) {
        return position.hitVerb + " " + Texts.quote((String) expected.get(firstHit(node.textValue())));
    }
}
