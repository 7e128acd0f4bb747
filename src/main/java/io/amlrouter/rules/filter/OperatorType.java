package io.amlrouter.rules.filter;

import java.util.Optional;

/**
 * The 19 advanced-filter operators of Azure Event Grid, named exactly as Event Grid names them so that a subscription
 * filter can be pasted into a rule unchanged.
 *
 * <p>
 * Each operator carries the facts the parser and the evaluator need: which field holds its operand ({@code value},
 * {@code values} or none), what type it compares, whether it is a "Not" operator (fails when any value matches) and what
 * it answers for a missing key. The missing-key answers are Event Grid's documented ones, including the asymmetry that
 * {@code StringNotIn}/{@code NumberNotIn} match a missing key while {@code StringNotContains},
 * {@code StringNotBeginsWith} and {@code StringNotEndsWith} do not. Event Grid says nothing for the two range operators;
 * we treat {@code NumberNotInRange} like {@code NumberNotIn} (match) and {@code NumberInRange} like {@code NumberIn} (no
 * match).
 */
public enum OperatorType {
    NumberIn(Operand.VALUES, Compares.NUMBER, false, false),
    NumberNotIn(Operand.VALUES, Compares.NUMBER, true, true),
    NumberLessThan(Operand.VALUE, Compares.NUMBER, false, false),
    NumberGreaterThan(Operand.VALUE, Compares.NUMBER, false, false),
    NumberLessThanOrEquals(Operand.VALUE, Compares.NUMBER, false, false),
    NumberGreaterThanOrEquals(Operand.VALUE, Compares.NUMBER, false, false),
    NumberInRange(Operand.VALUES, Compares.NUMBER_RANGE, false, false),
    NumberNotInRange(Operand.VALUES, Compares.NUMBER_RANGE, true, true),
    BoolEquals(Operand.VALUE, Compares.BOOLEAN, false, false),
    StringContains(Operand.VALUES, Compares.STRING, false, false),
    StringNotContains(Operand.VALUES, Compares.STRING, true, false),
    StringBeginsWith(Operand.VALUES, Compares.STRING, false, false),
    StringNotBeginsWith(Operand.VALUES, Compares.STRING, true, false),
    StringEndsWith(Operand.VALUES, Compares.STRING, false, false),
    StringNotEndsWith(Operand.VALUES, Compares.STRING, true, false),
    StringIn(Operand.VALUES, Compares.STRING, false, false),
    StringNotIn(Operand.VALUES, Compares.STRING, true, true),
    IsNullOrUndefined(Operand.NONE, Compares.PRESENCE, false, true),
    IsNotNull(Operand.NONE, Compares.PRESENCE, false, false);

    /** Which field of an advanced filter holds the operand. */
    public enum Operand {
        /** A single scalar in {@code value}. */
        VALUE,
        /** A non-empty list in {@code values}. */
        VALUES,
        /** No operand at all. */
        NONE
    }

    /** What kind of event value the operator compares; values of any other JSON type are ignored. */
    public enum Compares {
        NUMBER,
        NUMBER_RANGE,
        BOOLEAN,
        STRING,
        /** Null checks look at presence only, never at the type. */
        PRESENCE
    }

    private final Operand operand;
    private final Compares compares;
    private final boolean negated;
    private final boolean matchesMissingKey;

    OperatorType(Operand operand, Compares compares, boolean negated, boolean matchesMissingKey) {
        this.operand = operand;
        this.compares = compares;
        this.negated = negated;
        this.matchesMissingKey = matchesMissingKey;
    }

    /** Where the operand goes: {@code value}, {@code values} or nowhere. */
    public Operand operand() {
        return operand;
    }

    /** The kind of value compared. */
    public Compares compares() {
        return compares;
    }

    /**
     * Whether this is a "Not" operator: it fails as soon as any value matches (AND over the values) and matches a value
     * of the wrong type.
     */
    public boolean isNegated() {
        return negated;
    }

    /** Event Grid's answer when the event has no value at the filter's key. */
    public boolean matchesMissingKey() {
        return matchesMissingKey;
    }

    /** The operator with exactly this name (operator names are case-sensitive, as in Event Grid). */
    public static Optional<OperatorType> byName(String name) {
        for (OperatorType type : values()) {
            if (type.name().equals(name)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
