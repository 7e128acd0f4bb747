package io.amlrouter.rules.filter;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * The operator table of reference §6.4, row by row: each of the 19 operators on a match, a non-match, a missing key, a
 * JSON null, a value of the wrong type, an object, and arrays with and without {@code enableAdvancedFilteringOnArrays}.
 * The tested key is always {@code data.x}.
 */
final class OperatorCases {

    /** Marker for "the event's data has no x". */
    private static final String MISSING = null;

    private OperatorCases() {
    }

    /** One event value ({@code data.x}, as JSON) and the expected answer. */
    private record Row(String label, String value, boolean arrays, boolean expected) {
    }

    private static Row yes(String label, String value) {
        return new Row(label, value, false, true);
    }

    private static Row no(String label, String value) {
        return new Row(label, value, false, false);
    }

    /** Same, with {@code enableAdvancedFilteringOnArrays: true}. */
    private static Row yesArrays(String label, String value) {
        return new Row(label, value, true, true);
    }

    private static Row noArrays(String label, String value) {
        return new Row(label, value, true, false);
    }

    private static Stream<FilterCase> operator(String operator, String operand, Row... rows) {
        String advanced = "{operatorType: " + operator + ", key: data.x" + (operand.isEmpty() ? "" : ", " + operand)
                + "}";
        return Arrays.stream(rows).map(row -> {
            String filter = (row.arrays ? "{enableAdvancedFilteringOnArrays: true, " : "{") + "advancedFilters: ["
                    + advanced + "]}";
            String data = row.value == MISSING ? "{\"y\": 1}" : "{\"x\": " + row.value + "}";
            String name = operator + (operand.isEmpty() ? "" : " " + operand) + ": " + row.label
                    + (row.arrays ? " (arrays on)" : "");
            return row.expected ? FilterCase.match(name, filter, TestData.event(data))
                    : FilterCase.noMatch(name, filter, TestData.event(data));
        });
    }

    static List<FilterCase> all() {
        return Stream.of(numbers(), ranges(), bool(), strings(), nullChecks()).flatMap(s -> s).toList();
    }

    private static Stream<FilterCase> numbers() {
        return Stream.of(
                operator("NumberIn", "values: [5, 1]",
                        yes("equal value 5", "5"), yes("5.0 equals 5", "5.0"), yes("second value 1", "1"),
                        no("other value 7", "7"), no("missing key", MISSING), no("null", "null"),
                        no("string \"5\" is another type", "\"5\""), no("boolean", "true"), no("object", "{\"v\": 5}"),
                        no("array [7, 5] without the flag", "[7, 5]"), yesArrays("array [7, 5]", "[7, 5]"),
                        noArrays("array [7, 8]", "[7, 8]"), noArrays("array [\"5\"] ignores strings", "[\"5\"]"),
                        noArrays("empty array", "[]")),
                operator("NumberNotIn", "values: [5, 1]",
                        yes("other value 7", "7"), no("excluded value 5", "5"), no("excluded value 1.0", "1.0"),
                        yes("missing key", MISSING), yes("null is ignored", "null"),
                        yes("string \"5\" is ignored", "\"5\""), yes("object is ignored", "{\"v\": 5}"),
                        yes("array [7, 5] without the flag is ignored", "[7, 5]"),
                        noArrays("array [7, 5] has an excluded element", "[7, 5]"),
                        yesArrays("array [7, 8]", "[7, 8]"), yesArrays("array [\"5\"] ignores strings", "[\"5\"]"),
                        yesArrays("empty array", "[]")),
                operator("NumberLessThan", "value: 5",
                        yes("4", "4"), yes("-1.5", "-1.5"), no("5 is not less", "5"), no("6", "6"),
                        no("missing key", MISSING), no("null", "null"), no("string \"4\"", "\"4\""),
                        no("object", "{}"), no("array [6, 4] without the flag", "[6, 4]"),
                        yesArrays("array [6, 4]", "[6, 4]"), noArrays("array [6, 7]", "[6, 7]")),
                operator("NumberGreaterThan", "value: 5",
                        yes("6", "6"), yes("5.0001", "5.0001"), no("5 is not greater", "5"), no("4", "4"),
                        no("missing key", MISSING), no("null", "null"), no("string \"6\"", "\"6\""),
                        no("object", "{}"), no("array [4, 6] without the flag", "[4, 6]"),
                        yesArrays("array [4, 6]", "[4, 6]"), noArrays("array [4, 5]", "[4, 5]")),
                operator("NumberLessThanOrEquals", "value: 5",
                        yes("5", "5"), yes("4", "4"), no("6", "6"), no("missing key", MISSING), no("null", "null"),
                        no("string \"5\"", "\"5\""), no("array [6, 5] without the flag", "[6, 5]"),
                        yesArrays("array [6, 5]", "[6, 5]"), noArrays("array [6, 7]", "[6, 7]")),
                operator("NumberGreaterThanOrEquals", "value: 5",
                        yes("5", "5"), yes("6", "6"), no("4", "4"), no("missing key", MISSING), no("null", "null"),
                        no("string \"5\"", "\"5\""), no("array [4, 5] without the flag", "[4, 5]"),
                        yesArrays("array [4, 5]", "[4, 5]"), noArrays("array [3, 4]", "[3, 4]"))).flatMap(s -> s);
    }

    private static Stream<FilterCase> ranges() {
        return Stream.of(
                operator("NumberInRange", "values: [[0, 1], [3, 5]]",
                        yes("3 is the low end (inclusive)", "3"), yes("5 is the high end (inclusive)", "5"),
                        yes("0.5 in the first range", "0.5"), no("2 between the ranges", "2"), no("6", "6"),
                        no("missing key", MISSING), no("null", "null"), no("string \"4\"", "\"4\""),
                        no("object", "{}"), no("array [9, 4] without the flag", "[9, 4]"),
                        yesArrays("array [9, 4]", "[9, 4]"), noArrays("array [9, 2]", "[9, 2]"),
                        noArrays("empty array", "[]")),
                operator("NumberNotInRange", "values: [[0, 1], [3, 5]]",
                        yes("2 between the ranges", "2"), no("3 is in a range", "3"), no("1 is in a range", "1"),
                        yes("missing key (our choice, like NumberNotIn)", MISSING), yes("null is ignored", "null"),
                        yes("string \"4\" is ignored", "\"4\""), yes("object is ignored", "{}"),
                        yes("array [4] without the flag is ignored", "[4]"),
                        noArrays("array [9, 4] has an element in a range", "[9, 4]"),
                        yesArrays("array [9, 2]", "[9, 2]"), yesArrays("empty array", "[]"))).flatMap(s -> s);
    }

    private static Stream<FilterCase> bool() {
        return Stream.of(
                operator("BoolEquals", "value: true",
                        yes("true", "true"), no("false", "false"), no("missing key", MISSING), no("null", "null"),
                        no("string \"true\" is another type", "\"true\""), no("number 1", "1"), no("object", "{}"),
                        no("array [false, true] without the flag", "[false, true]"),
                        yesArrays("array [false, true]", "[false, true]"), noArrays("array [false]", "[false]")),
                operator("BoolEquals", "value: false",
                        yes("false", "false"), no("true", "true"), no("missing key", MISSING))).flatMap(s -> s);
    }

    private static Stream<FilterCase> strings() {
        return Stream.of(
                operator("StringContains", "values: [microsoft, azure]",
                        yes("\"Azure data factory\" (case-insensitive)", "\"Azure data factory\""),
                        yes("\"MicroSoft\"", "\"MicroSoft\""), no("\"aws\"", "\"aws\""), no("missing key", MISSING),
                        no("null", "null"), no("number", "5"), no("object", "{\"azure\": 1}"),
                        no("array without the flag", "[\"azure\"]"),
                        yesArrays("array [\"aws\", \"AZURE x\"]", "[\"aws\", \"AZURE x\"]"),
                        noArrays("array [\"aws\", 5]", "[\"aws\", 5]"), noArrays("empty array", "[]")),
                operator("StringNotContains", "values: [azure, gcp]",
                        yes("\"aws\"", "\"aws\""), no("\"my AZURE\"", "\"my AZURE\""), no("\"on gcp\"", "\"on gcp\""),
                        no("missing key (documented asymmetry)", MISSING), yes("null is ignored", "null"),
                        yes("number is ignored", "5"), yes("object is ignored", "{}"),
                        yes("array without the flag is ignored", "[\"azure\"]"),
                        noArrays("array [\"aws\", \"azure\"]", "[\"aws\", \"azure\"]"),
                        yesArrays("array [\"aws\", 5]", "[\"aws\", 5]"), yesArrays("empty array", "[]")),
                operator("StringBeginsWith", "values: [event, message]",
                        yes("\"Event hubs\"", "\"Event hubs\""), yes("\"message\"", "\"message\""),
                        no("\"hub event\"", "\"hub event\""), no("missing key", MISSING), no("null", "null"),
                        no("number", "5"), no("array without the flag", "[\"event\"]"),
                        yesArrays("array [\"x\", \"events\"]", "[\"x\", \"events\"]"),
                        noArrays("array [\"x\"]", "[\"x\"]")),
                operator("StringNotBeginsWith", "values: [event]",
                        yes("\"hub\"", "\"hub\""), no("\"EVENT hub\"", "\"EVENT hub\""),
                        no("missing key (documented asymmetry)", MISSING), yes("null is ignored", "null"),
                        yes("number is ignored", "5"), yes("array without the flag is ignored", "[\"event\"]"),
                        noArrays("array [\"x\", \"events\"]", "[\"x\", \"events\"]"),
                        yesArrays("array [\"x\"]", "[\"x\"]"), yesArrays("empty array", "[]")),
                operator("StringEndsWith", "values: [jpg, jpeg, png]",
                        yes("\"eventgrid.PNG\"", "\"eventgrid.PNG\""), no("\"png.gif\"", "\"png.gif\""),
                        no("\"g\" shorter than every value", "\"g\""), no("missing key", MISSING),
                        no("null", "null"), no("number", "5"), no("array without the flag", "[\"a.png\"]"),
                        yesArrays("array [\"a.gif\", \"b.jpeg\"]", "[\"a.gif\", \"b.jpeg\"]"),
                        noArrays("array [\"a.gif\"]", "[\"a.gif\"]")),
                operator("StringNotEndsWith", "values: [png]",
                        yes("\"a.gif\"", "\"a.gif\""), no("\"a.PNG\"", "\"a.PNG\""),
                        no("missing key (documented asymmetry)", MISSING), yes("null is ignored", "null"),
                        yes("number is ignored", "5"), yes("array without the flag is ignored", "[\"a.png\"]"),
                        noArrays("array [\"a.gif\", \"b.png\"]", "[\"a.gif\", \"b.png\"]"),
                        yesArrays("array [\"a.gif\"]", "[\"a.gif\"]")),
                operator("StringIn", "values: [failed, canceled]",
                        yes("\"Failed\" (case-insensitive)", "\"Failed\""), yes("\"CANCELED\"", "\"CANCELED\""),
                        no("\"Running\"", "\"Running\""), no("\"failed \" is not equal", "\"failed \""),
                        no("\"fail\" is only a prefix", "\"fail\""), no("missing key", MISSING), no("null", "null"),
                        no("number", "5"), no("object", "{\"failed\": true}"),
                        no("array without the flag", "[\"failed\"]"),
                        yesArrays("array [\"Running\", \"Failed\"]", "[\"Running\", \"Failed\"]"),
                        noArrays("array [\"Running\"]", "[\"Running\"]")),
                operator("StringIn", "values: [İstanbul, straße]",
                        yes("\"İSTANBUL\" (non-ASCII value kept as written, folded per character)", "\"İSTANBUL\""),
                        yes("\"istanbul\"", "\"istanbul\""), yes("\"STRAßE\"", "\"STRAßE\""),
                        no("\"STRASSE\" (no locale-specific expansion)", "\"STRASSE\"")),
                operator("StringIn", "values: [14, true]",
                        yes("\"14\" (YAML number coerced to its text)", "\"14\""),
                        yes("\"TRUE\" (YAML boolean coerced to its text)", "\"TRUE\""),
                        no("number 14 is another type", "14"), no("boolean true is another type", "true")),
                operator("StringNotIn", "values: [\"true\"]",
                        yes("\"false\"", "\"false\""), no("\"TRUE\"", "\"TRUE\""), yes("missing key", MISSING),
                        yes("null is ignored", "null"), yes("boolean true is another type", "true"),
                        yes("object is ignored", "{}"), yes("array without the flag is ignored", "[\"true\"]"),
                        noArrays("array [\"x\", \"True\"]", "[\"x\", \"True\"]"),
                        yesArrays("array [\"x\"]", "[\"x\"]"), yesArrays("empty array", "[]"))).flatMap(s -> s);
    }

    private static Stream<FilterCase> nullChecks() {
        return Stream.of(
                operator("IsNullOrUndefined", "",
                        yes("missing key", MISSING), yes("null", "null"), no("number", "5"),
                        no("empty string", "\"\""), no("false", "false"), no("empty object", "{}"),
                        no("empty array", "[]"), no("array of nulls", "[null]"),
                        noArrays("array of nulls", "[null]")),
                operator("IsNotNull", "",
                        yes("number", "5"), yes("empty string", "\"\""), yes("false", "false"),
                        yes("empty object", "{}"), yes("empty array", "[]"), yesArrays("empty array", "[]"),
                        no("null", "null"), no("missing key", MISSING))).flatMap(s -> s);
    }
}
