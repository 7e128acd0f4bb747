package io.amlrouter.rules.filter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.amlrouter.rules.diagnostics.Diagnostics;
import io.amlrouter.rules.diagnostics.Suggestions;

/**
 * Parses one entry of {@code advancedFilters}: {@code {operatorType, key, value | values}}, reporting every problem.
 */
final class AdvancedFilterParser {

    static final List<String> KEYS = List.of("operatorType", "key", "value", "values");

    private static final List<String> OPERATOR_NAMES = Arrays.stream(OperatorType.values()).map(Enum::name).toList();

    private final Diagnostics diagnostics;

    AdvancedFilterParser(Diagnostics diagnostics) {
        this.diagnostics = diagnostics;
    }

    /** The compiled filter, or {@code null} if anything was wrong (every problem has been reported). */
    AdvancedFilter parse(JsonNode node, String path, String location, boolean arrays) {
        if (!node.isObject()) {
            diagnostics.error(path, "must be an advanced filter object with operatorType, key and value or values, got "
                    + Texts.authorType(node));
            return null;
        }
        int errorsBefore = diagnostics.errors().size();
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            if (!KEYS.contains(field.getKey())) {
                FilterParser.unknownKey(diagnostics, Paths.child(path, field.getKey()), field.getKey(), KEYS);
            }
        }
        OperatorType operator = operator(present(node, "operatorType"), path);
        FilterKey key = key(present(node, "key"), path);
        Operand operand = operator == null ? null : operand(node, path, operator);
        if (operator == null || key == null || operand == null || diagnostics.errors().size() != errorsBefore) {
            return null;
        }
        return new AdvancedFilter(location, operator, key, operand.test, arrays, operand.expected);
    }

    /** The field, or {@code null} when absent or JSON null. */
    private static JsonNode present(JsonNode node, String name) {
        JsonNode value = node.get(name);
        return value == null || value.isNull() ? null : value;
    }

    private OperatorType operator(JsonNode node, String path) {
        if (node == null) {
            diagnostics.error(path, "missing required key \"operatorType\"");
            return null;
        }
        String at = Paths.child(path, "operatorType");
        if (!node.isTextual()) {
            diagnostics.error(at, "must be an operator name (a string), got " + Texts.authorType(node));
            return null;
        }
        String name = node.textValue();
        return OperatorType.byName(name).orElseGet(() -> {
            String suggestion = Suggestions.closest(name, OPERATOR_NAMES)
                    .map(closest -> "; did you mean " + Texts.quote(closest) + "?").orElse("");
            diagnostics.error(at, "unknown operator " + Texts.quote(name) + suggestion);
            return null;
        });
    }

    private FilterKey key(JsonNode node, String path) {
        if (node == null) {
            diagnostics.error(path, "missing required key \"key\"");
            return null;
        }
        String at = Paths.child(path, "key");
        if (!node.isTextual()) {
            diagnostics.error(at, "must be a string such as data.runStatus, got " + Texts.authorType(node));
            return null;
        }
        return KeyParser.parse(node.textValue(), at, diagnostics);
    }

    /** What an operator compares against, as the evaluator needs it and as explanations show it. */
    private record Operand(ValueTest test, List<Object> expected) {
    }

    private Operand operand(JsonNode node, String path, OperatorType operator) {
        JsonNode value = present(node, "value");
        JsonNode values = present(node, "values");
        String op = operator.name();
        switch (operator.operand()) {
            case NONE -> {
                if (value != null) {
                    diagnostics.error(Paths.child(path, "value"), op + " takes no value");
                }
                if (values != null) {
                    diagnostics.error(Paths.child(path, "values"), op + " takes no values");
                }
                return value == null && values == null ? new Operand(null, List.of()) : null;
            }
            case VALUE -> {
                if (values != null) {
                    diagnostics.error(Paths.child(path, "values"),
                            op + " takes a single value in \"value\", not a list in \"values\"");
                    return null;
                }
                if (value == null) {
                    diagnostics.error(path, "missing required key \"value\" (" + op + " takes a single value)");
                    return null;
                }
                return single(value, Paths.child(path, "value"), operator);
            }
            default -> {
                if (value != null) {
                    diagnostics.error(Paths.child(path, "value"),
                            op + " takes a list in \"values\", not a single \"value\"");
                    return null;
                }
                if (values == null) {
                    diagnostics.error(path, "missing required key \"values\" (" + op + " takes a list of values)");
                    return null;
                }
                return multiple(values, Paths.child(path, "values"), operator);
            }
        }
    }

    private Operand single(JsonNode node, String path, OperatorType operator) {
        if (operator == OperatorType.BoolEquals) {
            Boolean value = Values.bool(node, path, diagnostics);
            return value == null ? null : new Operand(new BoolTest(value), List.of(value));
        }
        Number value = Values.number(node, path, diagnostics);
        if (value == null) {
            return null;
        }
        NumberTest.Comparison comparison = switch (operator) {
            case NumberLessThan -> NumberTest.Comparison.LESS_THAN;
            case NumberGreaterThan -> NumberTest.Comparison.GREATER_THAN;
            case NumberLessThanOrEquals -> NumberTest.Comparison.LESS_THAN_OR_EQUALS;
            case NumberGreaterThanOrEquals -> NumberTest.Comparison.GREATER_THAN_OR_EQUALS;
            default -> throw new IllegalStateException("not a single-value number operator: " + operator);
        };
        List<Object> expected = List.of(value);
        return new Operand(new NumberTest(comparison, new double[] { value.doubleValue() }, expected), expected);
    }

    private Operand multiple(JsonNode node, String path, OperatorType operator) {
        if (!node.isArray()) {
            diagnostics.error(path, "must be a list, got " + Texts.authorType(node));
            return null;
        }
        if (node.isEmpty()) {
            diagnostics.error(path, "must not be empty");
            return null;
        }
        return switch (operator.compares()) {
            case NUMBER -> numbers(node, path);
            case NUMBER_RANGE -> ranges(node, path);
            default -> strings(node, path, operator);
        };
    }

    private Operand numbers(JsonNode node, String path) {
        List<Object> expected = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            Number value = Values.number(node.get(i), Paths.index(path, i), diagnostics);
            if (value != null) {
                expected.add(value);
            }
        }
        if (expected.size() != node.size()) {
            return null;
        }
        double[] values = expected.stream().mapToDouble(value -> ((Number) value).doubleValue()).toArray();
        return new Operand(new NumberTest(NumberTest.Comparison.EQUALS_ANY, values, expected), expected);
    }

    private Operand ranges(JsonNode node, String path) {
        List<Object> expected = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            List<Number> range = range(node.get(i), Paths.index(path, i));
            if (range != null) {
                expected.add(range);
            }
        }
        if (expected.size() != node.size()) {
            return null;
        }
        double[] lows = new double[expected.size()];
        double[] highs = new double[expected.size()];
        for (int i = 0; i < expected.size(); i++) {
            List<?> range = (List<?>) expected.get(i);
            lows[i] = ((Number) range.get(0)).doubleValue();
            highs[i] = ((Number) range.get(1)).doubleValue();
        }
        return new Operand(new RangeTest(lows, highs, expected), expected);
    }

    private List<Number> range(JsonNode node, String path) {
        if (!node.isArray() || node.size() != 2) {
            diagnostics.error(path, "a range must be a list of two numbers [lo, hi], got " + Texts.shown(node));
            return null;
        }
        Number low = Values.number(node.get(0), Paths.index(path, 0), diagnostics);
        Number high = Values.number(node.get(1), Paths.index(path, 1), diagnostics);
        if (low == null || high == null) {
            return null;
        }
        if (low.doubleValue() > high.doubleValue()) {
            diagnostics.error(path, "range " + Texts.list(List.of(low, high)) + " has lo greater than hi");
            return null;
        }
        return List.of(low, high);
    }

    private Operand strings(JsonNode node, String path, OperatorType operator) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String value = Values.text(node.get(i), Paths.index(path, i), diagnostics);
            if (value != null) {
                values.add(value);
            }
        }
        if (values.size() != node.size()) {
            return null;
        }
        StringTest.Position position = switch (operator) {
            case StringContains, StringNotContains -> StringTest.Position.CONTAINS;
            case StringBeginsWith, StringNotBeginsWith -> StringTest.Position.BEGINS_WITH;
            case StringEndsWith, StringNotEndsWith -> StringTest.Position.ENDS_WITH;
            default -> StringTest.Position.EQUALS;
        };
        return new Operand(new StringTest(position, values), List.copyOf(values));
    }
}
