package io.amlrouter.rules.filter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.node.MissingNode;

import io.amlrouter.rules.diagnostics.Diagnostics;
import io.amlrouter.rules.diagnostics.Violation;

/** Bad filter snippets and the exact violations they produce, with full paths. */
class FilterParserTest {

    private static final String AT = "rules[2].filter";
    private static final String AF = AT + ".advancedFilters[0]";

    record Bad(String name, String filter, List<String> errors) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Bad bad(String name, String filter, String... errors) {
        return new Bad(name, filter, List.of(errors));
    }

    /** A one-entry advancedFilters list around {@code advanced}. */
    private static String adv(String advanced) {
        return "advancedFilters: [" + advanced + "]";
    }

    static Stream<Bad> badFilters() {
        return Stream.of(
                bad("unknown key close to a known one", "subjectBegin: experiments/",
                        AT + ".subjectBegin: unknown key \"subjectBegin\"; did you mean \"subjectBeginsWith\"?"),
                bad("unknown key in another case", "IncludedEventTypes: [X]",
                        AT + ".IncludedEventTypes: unknown key \"IncludedEventTypes\"; did you mean "
                                + "\"includedEventTypes\"?"),
                bad("unknown key far from every known one", "color: red",
                        AT + ".color: unknown key \"color\"; known keys are includedEventTypes, subjectBeginsWith, "
                                + "subjectEndsWith, isSubjectCaseSensitive, enableAdvancedFilteringOnArrays, "
                                + "advancedFilters, anyOf"),
                bad("filter is a list", "[a, b]",
                        AT + ": must be a filter object with keys such as includedEventTypes, subjectBeginsWith and "
                                + "advancedFilters, got a list"),
                bad("filter is null", "null",
                        AT + ": must be a filter object with keys such as includedEventTypes, subjectBeginsWith and "
                                + "advancedFilters, got null"),
                bad("includedEventTypes empty", "includedEventTypes: []",
                        AT + ".includedEventTypes: must not be empty; omit includedEventTypes to match every event "
                                + "type"),
                bad("includedEventTypes a single string",
                        "includedEventTypes: Microsoft.MachineLearningServices.RunCompleted",
                        AT + ".includedEventTypes: must be a list of event types, got a string"),
                bad("includedEventTypes entries of the wrong type or blank",
                        "includedEventTypes: [Microsoft.MachineLearningServices.RunCompleted, 5, \" \", [x]]",
                        AT + ".includedEventTypes[1]: must be an event type (a string), got a number",
                        AT + ".includedEventTypes[2]: must not be blank",
                        AT + ".includedEventTypes[3]: must be an event type (a string), got a list"),
                bad("subjectBeginsWith a list", "subjectBeginsWith: [a]",
                        AT + ".subjectBeginsWith: [\"a\"] is not a string"),
                bad("subjectEndsWith an object", "subjectEndsWith: {a: 1}",
                        AT + ".subjectEndsWith: {\"a\":1} is not a string"),
                bad("isSubjectCaseSensitive a string", "isSubjectCaseSensitive: \"true\"",
                        AT + ".isSubjectCaseSensitive: must be true or false, got a string \"true\""),
                bad("enableAdvancedFilteringOnArrays a number", "enableAdvancedFilteringOnArrays: 1",
                        AT + ".enableAdvancedFilteringOnArrays: must be true or false, got a number 1"),
                bad("advancedFilters an object", "advancedFilters: {operatorType: StringIn}",
                        AT + ".advancedFilters: must be a list of advanced filters, got an object"),
                bad("advanced filter a string", "advancedFilters: [StringIn]",
                        AF + ": must be an advanced filter object with operatorType, key and value or values, got a "
                                + "string"),
                bad("unknown operator", adv("{operatorType: StringLike, key: data.x, values: [a]}"),
                        AF + ".operatorType: unknown operator \"StringLike\""),
                bad("operator in the wrong case", adv("{operatorType: stringin, key: data.x, values: [a]}"),
                        AF + ".operatorType: unknown operator \"stringin\"; did you mean \"StringIn\"?"),
                bad("operator misspelt", adv("{operatorType: NumberGreaterThen, key: data.x, value: 1}"),
                        AF + ".operatorType: unknown operator \"NumberGreaterThen\"; did you mean "
                                + "\"NumberGreaterThan\"?"),
                bad("operator truncated", adv("{operatorType: NumberGreaterThanOrEqual, key: data.x, value: 1}"),
                        AF + ".operatorType: unknown operator \"NumberGreaterThanOrEqual\"; did you mean "
                                + "\"NumberGreaterThanOrEquals\"?"),
                bad("operatorType missing", adv("{key: data.x, values: [a]}"),
                        AF + ": missing required key \"operatorType\""),
                bad("operatorType a number", adv("{operatorType: 5, key: data.x, values: [a]}"),
                        AF + ".operatorType: must be an operator name (a string), got a number"),
                bad("key missing", adv("{operatorType: StringIn, values: [a]}"), AF + ": missing required key \"key\""),
                bad("key null", adv("{operatorType: StringIn, key: null, values: [a]}"),
                        AF + ": missing required key \"key\""),
                bad("key blank", adv("{operatorType: StringIn, key: \" \", values: [a]}"),
                        AF + ".key: must not be blank"),
                bad("key a number", adv("{operatorType: StringIn, key: 5, values: [a]}"),
                        AF + ".key: must be a string such as data.runStatus, got a number"),
                bad("key without data. prefix", adv("{operatorType: StringIn, key: runStatus, values: [Failed]}"),
                        AF + ".key: \"runStatus\" is not an event attribute; did you mean \"data.runStatus\"? A key "
                                + "is data.<field> (nest with dots) or one of the attributes id, topic, subject, "
                                + "eventType, eventTime, dataVersion, metadataVersion, type, source, time, "
                                + "specversion, dataschema, datacontenttype"),
                bad("key with an attribute and a nested segment",
                        adv("{operatorType: StringIn, key: subject.x, values: [a]}"),
                        AF + ".key: \"subject.x\" is not an event attribute; did you mean \"data.subject.x\"? A key "
                                + "is data.<field> (nest with dots) or one of the attributes id, topic, subject, "
                                + "eventType, eventTime, dataVersion, metadataVersion, type, source, time, "
                                + "specversion, dataschema, datacontenttype"),
                bad("key with an empty segment", adv("{operatorType: StringIn, key: data..x, values: [a]}"),
                        AF + ".key: \"data..x\" has an empty segment; write data or data.<field>, nesting with dots "
                                + "as in data.a.b"),
                bad("key ending with a dot", adv("{operatorType: StringIn, key: data., values: [a]}"),
                        AF + ".key: \"data.\" has an empty segment; write data or data.<field>, nesting with dots as "
                                + "in data.a.b"),
                bad("key with surrounding spaces", adv("{operatorType: StringIn, key: \" data.x\", values: [a]}"),
                        AF + ".key: \" data.x\" must not start or end with spaces"),
                bad("single-value operator given values", adv("{operatorType: NumberGreaterThan, key: data.x, "
                        + "values: [1]}"),
                        AF + ".values: NumberGreaterThan takes a single value in \"value\", not a list in \"values\""),
                bad("single-value operator without value", adv("{operatorType: NumberLessThan, key: data.x}"),
                        AF + ": missing required key \"value\" (NumberLessThan takes a single value)"),
                bad("multi-value operator given value", adv("{operatorType: StringIn, key: data.x, value: Failed}"),
                        AF + ".value: StringIn takes a list in \"values\", not a single \"value\""),
                bad("multi-value operator without values", adv("{operatorType: NumberIn, key: data.x}"),
                        AF + ": missing required key \"values\" (NumberIn takes a list of values)"),
                bad("values a scalar", adv("{operatorType: StringIn, key: data.x, values: Failed}"),
                        AF + ".values: must be a list, got a string"),
                bad("values empty", adv("{operatorType: StringContains, key: data.x, values: []}"),
                        AF + ".values: must not be empty"),
                bad("number values with a string", adv("{operatorType: NumberIn, key: data.x, values: [1, abc]}"),
                        AF + ".values[1]: \"abc\" is not a number"),
                bad("number value quoted", adv("{operatorType: NumberGreaterThan, key: data.x, value: \"0.5\"}"),
                        AF + ".value: \"0.5\" is not a number"),
                bad("number value infinite", adv("{operatorType: NumberLessThan, key: data.x, value: 1e400}"),
                        AF + ".value: Infinity is not a finite number"),
                bad("BoolEquals with a string", adv("{operatorType: BoolEquals, key: data.x, value: \"yes\"}"),
                        AF + ".value: \"yes\" is not a boolean; BoolEquals takes true or false"),
                bad("BoolEquals with values", adv("{operatorType: BoolEquals, key: data.x, values: [true]}"),
                        AF + ".values: BoolEquals takes a single value in \"value\", not a list in \"values\""),
                bad("range with lo greater than hi", adv("{operatorType: NumberInRange, key: data.x, "
                        + "values: [[5, 1]]}"), AF + ".values[0]: range [5, 1] has lo greater than hi"),
                bad("range with three numbers", adv("{operatorType: NumberNotInRange, key: data.x, "
                        + "values: [[0, 1], [1, 2, 3]]}"),
                        AF + ".values[1]: a range must be a list of two numbers [lo, hi], got [1,2,3]"),
                bad("range that is a number", adv("{operatorType: NumberInRange, key: data.x, values: [5]}"),
                        AF + ".values[0]: a range must be a list of two numbers [lo, hi], got 5"),
                bad("range flattened", adv("{operatorType: NumberInRange, key: data.x, values: [1, 5]}"),
                        AF + ".values[0]: a range must be a list of two numbers [lo, hi], got 1",
                        AF + ".values[1]: a range must be a list of two numbers [lo, hi], got 5"),
                bad("range with a string end", adv("{operatorType: NumberInRange, key: data.x, values: [[0, x]]}"),
                        AF + ".values[0][1]: \"x\" is not a number"),
                bad("string values null and object", adv("{operatorType: StringIn, key: data.x, "
                        + "values: [null, {a: 1}, ok]}"),
                        AF + ".values[0]: null is not a string", AF + ".values[1]: {\"a\":1} is not a string"),
                bad("IsNullOrUndefined with a value", adv("{operatorType: IsNullOrUndefined, key: data.x, value: 1}"),
                        AF + ".value: IsNullOrUndefined takes no value"),
                bad("IsNotNull with values", adv("{operatorType: IsNotNull, key: data.x, values: [1]}"),
                        AF + ".values: IsNotNull takes no values"),
                bad("unknown key in an advanced filter",
                        adv("{operatorType: StringIn, key: data.x, Values: [a]}"),
                        AF + ".Values: unknown key \"Values\"; did you mean \"values\"?",
                        AF + ": missing required key \"values\" (StringIn takes a list of values)"),
                bad("2018-style property names", adv("{Operator: StringIn, Key: data.x, Values: [a]}"),
                        AF + ".Operator: unknown key \"Operator\"; did you mean \"operatorType\"?",
                        AF + ".Key: unknown key \"Key\"; did you mean \"key\"?",
                        AF + ".Values: unknown key \"Values\"; did you mean \"values\"?",
                        AF + ": missing required key \"operatorType\"", AF + ": missing required key \"key\""),
                bad("anyOf empty", "anyOf: []",
                        AT + ".anyOf: must not be empty; omit anyOf when the filter has no alternatives"),
                bad("anyOf an object", "anyOf: {subjectBeginsWith: x}",
                        AT + ".anyOf: must be a list of filter objects, got an object"),
                bad("anyOf group with an error",
                        "anyOf: [{subjectBeginsWith: a}, {advancedFilters: [{operatorType: StringLike, key: data.x, "
                                + "values: [a]}]}]",
                        AT + ".anyOf[1].advancedFilters[0].operatorType: unknown operator \"StringLike\""),
                bad("anyOf group not an object", "anyOf: [{subjectBeginsWith: a}, b]",
                        AT + ".anyOf[1]: must be a filter object with keys such as includedEventTypes, "
                                + "subjectBeginsWith and advancedFilters, got a string"),
                bad("anyOf nested group with an unknown key", "anyOf: [{anyOf: [{subjectBegin: a}]}]",
                        AT + ".anyOf[0].anyOf[0].subjectBegin: unknown key \"subjectBegin\"; did you mean "
                                + "\"subjectBeginsWith\"?"),
                bad("anyOf group with an empty includedEventTypes", "anyOf: [{includedEventTypes: []}]",
                        AT + ".anyOf[0].includedEventTypes: must not be empty; omit includedEventTypes to match "
                                + "every event type"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFilters")
    void reportsTheExactViolations(Bad c) {
        Diagnostics diagnostics = new Diagnostics();
        Optional<EventFilter> filter = FilterParser.parse(TestData.yaml(c.filter()), AT, diagnostics);
        assertThat(diagnostics.errors()).extracting(Violation::toString).containsExactlyElementsOf(c.errors());
        assertThat(filter).isEmpty();
    }

    @Test
    void rootPathlessFilterReportsRelativePaths() {
        Diagnostics diagnostics = new Diagnostics();
        FilterParser.parse(TestData.yaml("subjectBegin: x"), "", diagnostics);
        assertThat(diagnostics.errors()).extracting(Violation::toString)
                .containsExactly("subjectBegin: unknown key \"subjectBegin\"; did you mean \"subjectBeginsWith\"?");
    }

    @Test
    void noFilterMatchesEverything() {
        Diagnostics diagnostics = new Diagnostics();
        assertThat(FilterParser.parse(null, AT, diagnostics)).containsSame(EventFilter.matchAll());
        assertThat(FilterParser.parse(MissingNode.getInstance(), AT, diagnostics)).containsSame(EventFilter.matchAll());
        assertThat(diagnostics.hasErrors()).isFalse();
        assertThat(EventFilter.matchAll().matches(TestData.event("{}"))).isTrue();
        assertThat(EventFilter.matchAll().matches(TestData.JSON.createObjectNode())).isTrue();
        assertThat(EventFilter.matchAll().explain(TestData.event("{}"))).isEqualTo(new FilterResult.Matched());
    }

    @Test
    void errorsOfEarlierRulesDoNotFailALaterValidFilter() {
        Diagnostics diagnostics = new Diagnostics();
        diagnostics.error("rules[0].name", "duplicate rule name \"a\"");
        Optional<EventFilter> filter = FilterParser.parse(TestData.yaml("subjectBeginsWith: models/"), AT,
                diagnostics);
        assertThat(filter).isPresent();
        assertThat(diagnostics.errors()).hasSize(1);
    }

    @Test
    void nullValuedKeysCountAsOmittedLikeInAnExportedSubscription() {
        Diagnostics diagnostics = new Diagnostics();
        Optional<EventFilter> filter = FilterParser.parse(TestData.json("""
                {"includedEventTypes": null, "subjectBeginsWith": "", "subjectEndsWith": "",
                 "isSubjectCaseSensitive": null, "enableAdvancedFilteringOnArrays": null,
                 "advancedFilters": [{"operatorType": "IsNotNull", "key": "data.runId", "value": null,
                                      "values": null}]}
                """), AT, diagnostics);
        assertThat(diagnostics.errors()).isEmpty();
        assertThat(filter).isPresent();
        assertThat(filter.get().matches(TestData.fixture("RunCompleted.json"))).isTrue();
    }
}
