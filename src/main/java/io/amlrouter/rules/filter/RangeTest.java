package io.amlrouter.rules.filter;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/** {@code NumberInRange}/{@code NumberNotInRange}: {@code lo <= value <= hi} for some {@code [lo, hi]}, both ends inclusive. */
final class RangeTest implements ValueTest {

    private final double[] lows;
    private final double[] highs;
    private final List<Object> expected;

    RangeTest(double[] lows, double[] highs, List<Object> expected) {
        this.lows = lows.clone();
        this.highs = highs.clone();
        this.expected = expected;
    }

    @Override
    public boolean accepts(JsonNode node) {
        return node.isNumber();
    }

    @Override
    public boolean hits(JsonNode node) {
        return rangeOf(node.doubleValue()) >= 0;
    }

    private int rangeOf(double actual) {
        for (int i = 0; i < lows.length; i++) {
            if (lows[i] <= actual && actual <= highs[i]) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public String typeName() {
        return "numbers";
    }

    @Override
    public String phrase() {
        return "is in one of the ranges " + Texts.list(expected);
    }

    @Override
    public String negatedPhrase() {
        return "is in none of the ranges " + Texts.list(expected);
    }

    @Override
    public String hitDetail(JsonNode node) {
        return "is in the range " + expected.get(rangeOf(node.doubleValue()));
    }
}
