package io.amlrouter.rules.filter;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Number comparisons: {@code NumberIn}/{@code NumberNotIn} (equality with any value) and the four single-value
 * comparisons. Only JSON numbers count; numbers are compared as doubles.
 */
final class NumberTest implements ValueTest {

    /** How the event value is compared with the filter value(s). */
    enum Comparison {
        EQUALS_ANY("is one of", "is not one of"),
        LESS_THAN("is less than", "is not less than"),
        GREATER_THAN("is greater than", "is not greater than"),
        LESS_THAN_OR_EQUALS("is less than or equal to", "is not less than or equal to"),
        GREATER_THAN_OR_EQUALS("is greater than or equal to", "is not greater than or equal to");

        final String phrase;
        final String negatedPhrase;

        Comparison(String phrase, String negatedPhrase) {
            this.phrase = phrase;
            this.negatedPhrase = negatedPhrase;
        }
    }

    private final Comparison comparison;
    private final double[] values;
    private final double value;
    private final String shown;

    NumberTest(Comparison comparison, double[] values, List<Object> expected) {
        this.comparison = comparison;
        this.values = values.clone();
        this.value = values[0];
        this.shown = comparison == Comparison.EQUALS_ANY ? Texts.list(expected) : String.valueOf(expected.get(0));
    }

    @Override
    public boolean accepts(JsonNode node) {
        return node.isNumber();
    }

    @Override
    public boolean hits(JsonNode node) {
        double actual = node.doubleValue();
        switch (comparison) {
            case LESS_THAN:
                return actual < value;
            case GREATER_THAN:
                return actual > value;
            case LESS_THAN_OR_EQUALS:
                return actual <= value;
            case GREATER_THAN_OR_EQUALS:
                return actual >= value;
            default:
                for (double candidate : values) {
                    if (actual == candidate) {
                        return true;
                    }
                }
                return false;
        }
    }

    @Override
    public String typeName() {
        return "numbers";
    }

    @Override
    public String phrase() {
        return comparison.phrase + " " + shown;
    }

    @Override
    public String negatedPhrase() {
        return comparison.negatedPhrase + " " + shown;
    }

    @Override
    public String hitDetail(JsonNode node) {
        return comparison == Comparison.EQUALS_ANY ? "equals " + Texts.json(node) : phrase();
    }
}
