package io.amlrouter.rules.filter;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One compiled advanced filter: Event Grid's rules around an operator's core, written once for all 19 operators.
 *
 * <ul>
 * <li>missing key: the operator's documented answer ({@link OperatorType#matchesMissingKey()});</li>
 * <li>a value of another type (JSON null and objects included) is ignored: positive operators do not match, "Not"
 * operators match because no value failed;</li>
 * <li>an array is such a value of another type unless {@code enableAdvancedFilteringOnArrays} is set; with it, elements
 * of the right type are tested, a positive operator matches when any element hits, a "Not" operator fails when any
 * element hits;</li>
 * <li>{@code IsNullOrUndefined}/{@code IsNotNull} look only at presence.</li>
 * </ul>
 */
final class AdvancedFilter {

    private final String location;
    private final OperatorType operator;
    private final FilterKey key;
    private final ValueTest test;
    private final boolean negated;
    private final boolean arrays;
    private final List<Object> expected;

    /**
     * @param location e.g. {@code advancedFilters[1]} or {@code anyOf[0].advancedFilters[2]}
     * @param test {@code null} for the two null checks
     */
    AdvancedFilter(String location, OperatorType operator, FilterKey key, ValueTest test, boolean arrays,
            List<Object> expected) {
        this.location = location;
        this.operator = operator;
        this.key = key;
        this.test = test;
        this.negated = operator.isNegated();
        this.arrays = arrays;
        this.expected = List.copyOf(expected);
    }

    boolean matches(JsonNode event) {
        return evaluate(key.resolve(event));
    }

    boolean matches(FilterTarget event) {
        return evaluate(key.resolve(event));
    }

    private boolean evaluate(JsonNode value) {
        if (test == null) {
            boolean nullOrMissing = value == null || value.isNull();
            return operator == OperatorType.IsNullOrUndefined ? nullOrMissing : !nullOrMissing;
        }
        if (value == null) {
            return operator.matchesMissingKey();
        }
        if (arrays && value.isArray()) {
            return firstHitElement(value) == null ? negated : !negated;
        }
        if (!test.accepts(value)) {
            return negated;
        }
        return test.hits(value) != negated;
    }

    private JsonNode firstHitElement(JsonNode array) {
        for (int i = 0, size = array.size(); i < size; i++) {
            JsonNode element = array.get(i);
            if (test.accepts(element) && test.hits(element)) {
                return element;
            }
        }
        return null;
    }

    /** Where it sits in the filter object, e.g. {@code advancedFilters[1]}. */
    String location() {
        return location;
    }

    /** {@code null} when the filter matches, else why not. */
    Mismatch explain(JsonNode event) {
        JsonNode value = key.resolve(event);
        if (evaluate(value)) {
            return null;
        }
        return new Mismatch(location, key.text(), operator.name(), expected, value, value == null, reason(value),
                List.of());
    }

    private String reason(JsonNode value) {
        String name = key.text();
        String op = operator.name();
        if (test == null) {
            if (operator == OperatorType.IsNullOrUndefined) {
                return name + " is " + Texts.describe(value) + "; IsNullOrUndefined matches only a missing key or null";
            }
            return name + " is " + (value == null ? "missing" : "null")
                    + "; IsNotNull matches only a present, non-null value";
        }
        if (value == null) {
            return name + " is missing; " + op + " never matches a missing key"
                    + (negated ? " (unlike StringNotIn, NumberNotIn and NumberNotInRange)" : "");
        }
        String caseNote = test instanceof StringTest ? " (" + op + " compares case-insensitively)" : "";
        if (value.isArray() && arrays) {
            JsonNode hit = firstHitElement(value);
            if (hit == null) {
                return name + " is the array " + Texts.json(value) + ", and none of its elements " + test.phrase()
                        + caseNote;
            }
            return name + " is the array " + Texts.json(value) + ", whose element " + Texts.json(hit) + " "
                    + test.hitDetail(hit) + "; " + op + " fails when any element " + test.phrase() + caseNote;
        }
        if (value.isArray()) {
            return name + " is an array (" + Texts.json(value) + "); " + op
                    + " ignores arrays unless enableAdvancedFilteringOnArrays is true";
        }
        if (!test.accepts(value)) {
            return name + " is " + Texts.describe(value) + "; " + op + " compares " + test.typeName()
                    + " only and ignores values of another type";
        }
        if (negated) {
            return name + " is " + Texts.json(value) + ", which " + test.hitDetail(value) + "; " + op
                    + " fails when the value " + test.phrase() + caseNote;
        }
        return name + " is " + Texts.json(value) + ", which " + test.negatedPhrase() + caseNote;
    }

    @Override
    public String toString() {
        return location + " " + operator + " " + key.text() + " " + expected;
    }
}
