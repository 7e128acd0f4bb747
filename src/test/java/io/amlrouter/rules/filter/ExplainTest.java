package io.amlrouter.rules.filter;

import static io.amlrouter.rules.filter.TestData.event;
import static io.amlrouter.rules.filter.TestData.filter;
import static io.amlrouter.rules.filter.TestData.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** What the dry run shows: the first failing part of a filter, its location, the values and a readable reason. */
class ExplainTest {

    private static final String RUN_STATUS_CHANGED = "Microsoft.MachineLearningServices.RunStatusChanged";
    private static final String RUN_COMPLETED = "Microsoft.MachineLearningServices.RunCompleted";

    /** A failing filter/event pair and the expected mismatch, minus {@code actual} (checked as JSON text). */
    record Row(String name, String filter, JsonNode event, String part, String key, String operatorType,
            List<Object> expected, String actualJson, boolean missing, String reason) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Row row(String name, String filter, JsonNode event, String part, String key, String operatorType,
            List<Object> expected, String actualJson, String reason) {
        return new Row(name, filter, event, part, key, operatorType, expected, actualJson, actualJson == null, reason);
    }

    private static JsonNode x(String json) {
        return event("{\"x\": " + json + "}");
    }

    private static String adv(String advanced) {
        return "advancedFilters: [" + advanced + "]";
    }

    private static JsonNode subject(String subject) {
        ObjectNode event = (ObjectNode) event("{}");
        if (subject == null) {
            event.remove("subject");
        } else {
            event.put("subject", subject);
        }
        return event;
    }

    static Stream<Row> rows() {
        JsonNode runCompleted = fixture("RunCompleted.json");
        ObjectNode noType = runCompleted.deepCopy();
        noType.remove("eventType");
        return Stream.of(
                row("event type not listed", "includedEventTypes: [" + RUN_STATUS_CHANGED + "]", runCompleted,
                        "includedEventTypes", "eventType", null, List.of(RUN_STATUS_CHANGED), '"' + RUN_COMPLETED + '"',
                        "event type \"" + RUN_COMPLETED + "\" is not one of [" + RUN_STATUS_CHANGED
                                + "] (compared case-insensitively)"),
                row("event without a type", "includedEventTypes: [" + RUN_STATUS_CHANGED + "]", noType,
                        "includedEventTypes", "eventType", null, List.of(RUN_STATUS_CHANGED), null,
                        "the event has no type (eventType or type); includedEventTypes [" + RUN_STATUS_CHANGED
                                + "] never matches it"),
                row("subject prefix", "subjectBeginsWith: experiments/", subject("models/x:1"), "subjectBeginsWith",
                        "subject", null, List.of("experiments/"), "\"models/x:1\"",
                        "subject \"models/x:1\" does not begin with \"experiments/\" (case-insensitive)"),
                row("subject prefix, case-sensitive", "isSubjectCaseSensitive: true\nsubjectBeginsWith: Models/",
                        subject("models/x:1"), "subjectBeginsWith", "subject", null, List.of("Models/"),
                        "\"models/x:1\"", "subject \"models/x:1\" does not begin with \"Models/\" (case-sensitive)"),
                row("subject suffix after a matching prefix", "subjectBeginsWith: models/\nsubjectEndsWith: \":2\"",
                        subject("models/x:1"), "subjectEndsWith", "subject", null, List.of(":2"), "\"models/x:1\"",
                        "subject \"models/x:1\" does not end with \":2\" (case-insensitive)"),
                row("subject missing", "subjectEndsWith: \":2\"", subject(null), "subjectEndsWith", "subject", null,
                        List.of(":2"), null, "the event has no subject; subjectEndsWith \":2\" never matches it"),
                row("StringIn miss", adv("{operatorType: StringIn, key: data.runStatus, values: [Failed, Canceled]}"),
                        event("{\"runStatus\": \"Completed\"}"), "advancedFilters[0]", "data.runStatus", "StringIn",
                        List.of("Failed", "Canceled"), "\"Completed\"",
                        "data.runStatus is \"Completed\", which is not one of [Failed, Canceled] (StringIn compares "
                                + "case-insensitively)"),
                row("missing key", adv("{operatorType: NumberGreaterThan, key: data.driftCoefficient, value: 0.5}"),
                        event("{}"), "advancedFilters[0]", "data.driftCoefficient", "NumberGreaterThan",
                        List.of(0.5), null, "data.driftCoefficient is missing; NumberGreaterThan never matches a "
                                + "missing key"),
                row("wrong type", adv("{operatorType: NumberIn, key: data.modelVersion, values: [14, 15]}"),
                        fixture("ModelRegistered.json"), "advancedFilters[0]", "data.modelVersion", "NumberIn",
                        List.of(14, 15), "\"14\"", "data.modelVersion is a string (\"14\"); NumberIn compares numbers "
                                + "only and ignores values of another type"),
                row("null value", adv("{operatorType: NumberGreaterThan, key: data.driftCoefficient, value: 0.5}"),
                        event("{\"driftCoefficient\": null}"), "advancedFilters[0]", "data.driftCoefficient",
                        "NumberGreaterThan", List.of(0.5), "null", "data.driftCoefficient is null; NumberGreaterThan "
                                + "compares numbers only and ignores values of another type"),
                row("object value", adv("{operatorType: StringIn, key: data.modelTags, values: [approved]}"),
                        event("{\"modelTags\": {\"stage\": \"approved\"}}"), "advancedFilters[0]", "data.modelTags",
                        "StringIn", List.of("approved"), "{\"stage\":\"approved\"}",
                        "data.modelTags is an object ({\"stage\":\"approved\"}); StringIn compares strings only and "
                                + "ignores values of another type"),
                row("number below threshold", adv("{operatorType: NumberGreaterThan, key: data.x, value: 0.5}"),
                        x("0.3"), "advancedFilters[0]", "data.x", "NumberGreaterThan", List.of(0.5), "0.3",
                        "data.x is 0.3, which is not greater than 0.5"),
                row("NumberLessThanOrEquals miss", adv("{operatorType: NumberLessThanOrEquals, key: data.x, value: 5}"),
                        x("7"), "advancedFilters[0]", "data.x", "NumberLessThanOrEquals", List.of(5), "7",
                        "data.x is 7, which is not less than or equal to 5"),
                row("NumberIn miss", adv("{operatorType: NumberIn, key: data.x, values: [5, 1]}"), x("7"),
                        "advancedFilters[0]", "data.x", "NumberIn", List.of(5, 1), "7",
                        "data.x is 7, which is not one of [5, 1]"),
                row("NumberNotIn hit", adv("{operatorType: NumberNotIn, key: data.x, values: [5, 1]}"), x("1.0"),
                        "advancedFilters[0]", "data.x", "NumberNotIn", List.of(5, 1), "1.0",
                        "data.x is 1.0, which equals 1.0; NumberNotIn fails when the value is one of [5, 1]"),
                row("NumberInRange miss", adv("{operatorType: NumberInRange, key: data.x, values: [[0, 1], [3, 5]]}"),
                        x("2"), "advancedFilters[0]", "data.x", "NumberInRange", List.of(List.of(0, 1), List.of(3, 5)),
                        "2", "data.x is 2, which is in none of the ranges [[0, 1], [3, 5]]"),
                row("NumberNotInRange hit", adv("{operatorType: NumberNotInRange, key: data.x, "
                        + "values: [[0, 1], [3, 5]]}"), x("4"), "advancedFilters[0]", "data.x", "NumberNotInRange",
                        List.of(List.of(0, 1), List.of(3, 5)), "4",
                        "data.x is 4, which is in the range [3, 5]; NumberNotInRange fails when the value is in one "
                                + "of the ranges [[0, 1], [3, 5]]"),
                row("BoolEquals miss", adv("{operatorType: BoolEquals, key: data.x, value: true}"), x("false"),
                        "advancedFilters[0]", "data.x", "BoolEquals", List.of(true), "false",
                        "data.x is false, which is not true"),
                row("BoolEquals on a string", adv("{operatorType: BoolEquals, key: data.x, value: true}"),
                        x("\"true\""), "advancedFilters[0]", "data.x", "BoolEquals", List.of(true), "\"true\"",
                        "data.x is a string (\"true\"); BoolEquals compares booleans only and ignores values of "
                                + "another type"),
                row("StringContains miss", adv("{operatorType: StringContains, key: data.x, values: [azure, gcp]}"),
                        x("\"aws\""), "advancedFilters[0]", "data.x", "StringContains", List.of("azure", "gcp"),
                        "\"aws\"", "data.x is \"aws\", which contains none of [azure, gcp] (StringContains compares "
                                + "case-insensitively)"),
                row("StringNotIn hit (example J)", WorkedExamples.J, WorkedExamples.withSkipActions("TRUE"),
                        "advancedFilters[0]", "data.runTags.skip_actions", "StringNotIn", List.of("true"),
                        "\"TRUE\"", "data.runTags.skip_actions is \"TRUE\", which equals \"true\"; StringNotIn fails "
                                + "when the value is one of [true] (StringNotIn compares case-insensitively)"),
                row("StringNotBeginsWith hit", adv("{operatorType: StringNotBeginsWith, key: subject, "
                        + "values: [experiments/, models/]}"), subject("Models/x:1"), "advancedFilters[0]", "subject",
                        "StringNotBeginsWith", List.of("experiments/", "models/"), "\"Models/x:1\"",
                        "subject is \"Models/x:1\", which begins with \"models/\"; StringNotBeginsWith fails when the "
                                + "value begins with one of [experiments/, models/] (StringNotBeginsWith compares "
                                + "case-insensitively)"),
                row("StringNotContains on a missing key", adv("{operatorType: StringNotContains, key: data.x, "
                        + "values: [a]}"), event("{}"), "advancedFilters[0]", "data.x", "StringNotContains",
                        List.of("a"), null, "data.x is missing; StringNotContains never matches a missing key (unlike "
                                + "StringNotIn, NumberNotIn and NumberNotInRange)"),
                row("array without the flag", adv("{operatorType: StringIn, key: data.tags, values: [gold]}"),
                        event("{\"tags\": [\"gold\"]}"), "advancedFilters[0]", "data.tags", "StringIn",
                        List.of("gold"), "[\"gold\"]", "data.tags is an array ([\"gold\"]); StringIn ignores arrays "
                                + "unless enableAdvancedFilteringOnArrays is true"),
                row("array with the flag, no element hits", "enableAdvancedFilteringOnArrays: true\n"
                        + adv("{operatorType: StringEndsWith, key: data.files, values: [.png]}"),
                        event("{\"files\": [\"a.gif\", 5]}"), "advancedFilters[0]", "data.files", "StringEndsWith",
                        List.of(".png"), "[\"a.gif\",5]", "data.files is the array [\"a.gif\",5], and none of its "
                                + "elements ends with one of [.png] (StringEndsWith compares case-insensitively)"),
                row("array with the flag, an element hits a Not operator", "enableAdvancedFilteringOnArrays: true\n"
                        + adv("{operatorType: NumberNotIn, key: data.codes, values: [500, 503]}"),
                        event("{\"codes\": [200, 503]}"), "advancedFilters[0]", "data.codes", "NumberNotIn",
                        List.of(500, 503), "[200,503]", "data.codes is the array [200,503], whose element 503 equals "
                                + "503; NumberNotIn fails when any element is one of [500, 503]"),
                row("IsNullOrUndefined on a value", adv("{operatorType: IsNullOrUndefined, key: data.key1}"),
                        event("{\"key1\": 5}"), "advancedFilters[0]", "data.key1", "IsNullOrUndefined", List.of(), "5",
                        "data.key1 is a number (5); IsNullOrUndefined matches only a missing key or null"),
                row("IsNotNull on a missing key", adv("{operatorType: IsNotNull, key: data.key1}"), event("{}"),
                        "advancedFilters[0]", "data.key1", "IsNotNull", List.of(), null,
                        "data.key1 is missing; IsNotNull matches only a present, non-null value"),
                row("IsNotNull on null", adv("{operatorType: IsNotNull, key: data.key1}"),
                        event("{\"key1\": null}"), "advancedFilters[0]", "data.key1", "IsNotNull", List.of(), "null",
                        "data.key1 is null; IsNotNull matches only a present, non-null value"),
                row("second advanced filter fails (example I, tags lack stage, and the key as written)", """
                        advancedFilters:
                          - {operatorType: StringNotIn, key: data.modelName, values: [sandbox-model]}
                          - {operatorType: StringIn, key: Data.ModelTags.Stage, values: [approved]}
                        """, WorkedExamples.withoutStage(fixture("ModelRegistered.json")), "advancedFilters[1]",
                        "Data.ModelTags.Stage", "StringIn", List.of("approved"), null,
                        "Data.ModelTags.Stage is missing; StringIn never matches a missing key"),
                row("long values are cut", adv("{operatorType: StringIn, key: data.x, values: [a]}"),
                        x("\"" + "y".repeat(100) + "\""), "advancedFilters[0]", "data.x", "StringIn", List.of("a"),
                        "\"" + "y".repeat(100) + "\"", "data.x is \"" + "y".repeat(78) + "…, which is not one of [a] "
                                + "(StringIn compares case-insensitively)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void explainsTheFirstFailure(Row row) {
        EventFilter filter = filter(row.filter());
        assertThat(filter.matches(row.event())).isFalse();
        FilterResult result = filter.explain(row.event());
        assertThat(result).isInstanceOf(FilterResult.NotMatched.class);
        Mismatch mismatch = ((FilterResult.NotMatched) result).mismatch();
        assertThat(mismatch.reason()).isEqualTo(row.reason());
        assertThat(mismatch.filter()).isEqualTo(row.part());
        assertThat(mismatch.key()).isEqualTo(row.key());
        assertThat(mismatch.operatorType()).isEqualTo(row.operatorType());
        assertThat(mismatch.expected()).isEqualTo(row.expected());
        assertThat(mismatch.actual() == null ? null : mismatch.actual().toString()).isEqualTo(row.actualJson());
        assertThat(mismatch.missing()).isEqualTo(row.missing());
        assertThat(mismatch.alternatives()).isEmpty();
    }

    @Test
    void anyOfReportsTheFirstFailureOfEachGroup() {
        EventFilter filter = filter(StructureCases.FAILED_OR_DRIFT);
        FilterResult result = filter.explain(fixture("RunCompleted.json"));
        Mismatch mismatch = ((FilterResult.NotMatched) result).mismatch();
        String first = "event type \"" + RUN_COMPLETED + "\" is not one of [" + RUN_STATUS_CHANGED
                + "] (compared case-insensitively)";
        String second = "event type \"" + RUN_COMPLETED + "\" is not one of "
                + "[Microsoft.MachineLearningServices.DatasetDriftDetected] (compared case-insensitively)";
        assertThat(mismatch.filter()).isEqualTo("anyOf");
        assertThat(mismatch.key()).isNull();
        assertThat(mismatch.operatorType()).isNull();
        assertThat(mismatch.expected()).isEmpty();
        assertThat(mismatch.actual()).isNull();
        assertThat(mismatch.missing()).isFalse();
        assertThat(mismatch.reason()).isEqualTo("none of the 2 anyOf groups matches; anyOf[0].includedEventTypes: "
                + first + "; anyOf[1].includedEventTypes: " + second);
        assertThat(mismatch.alternatives()).extracting(Mismatch::filter)
                .containsExactly("anyOf[0].includedEventTypes", "anyOf[1].includedEventTypes");
        assertThat(mismatch.alternatives()).extracting(Mismatch::reason).containsExactly(first, second);
    }

    @Test
    void anyOfGroupFailuresAreLocatedInsideTheGroup() {
        EventFilter filter = filter(StructureCases.FAILED_OR_DRIFT);
        JsonNode running = StructureCases.data(fixture("RunStatusChanged.json"), "runStatus", "Running");
        Mismatch mismatch = ((FilterResult.NotMatched) filter.explain(running)).mismatch();
        assertThat(mismatch.alternatives()).extracting(Mismatch::filter)
                .containsExactly("anyOf[0].advancedFilters[0]", "anyOf[1].includedEventTypes");
        Mismatch inner = mismatch.alternatives().get(0);
        assertThat(inner.key()).isEqualTo("data.runStatus");
        assertThat(inner.reason()).isEqualTo(
                "data.runStatus is \"Running\", which is not one of [Failed] (StringIn compares case-insensitively)");
    }

    @Test
    void nestedAnyOfIsLocatedByItsPath() {
        EventFilter filter = filter("""
                anyOf:
                  - includedEventTypes: [Microsoft.MachineLearningServices.ModelRegistered]
                    anyOf:
                      - advancedFilters: [{operatorType: StringIn, key: data.modelTags.stage, values: [approved]}]
                      - subjectEndsWith: ":1"
                """);
        Mismatch mismatch = ((FilterResult.NotMatched) filter.explain(fixture("ModelRegistered.json"))).mismatch();
        assertThat(mismatch.filter()).isEqualTo("anyOf");
        Mismatch group = mismatch.alternatives().get(0);
        assertThat(group.filter()).isEqualTo("anyOf[0].anyOf");
        assertThat(group.alternatives()).extracting(Mismatch::filter)
                .containsExactly("anyOf[0].anyOf[0].advancedFilters[0]", "anyOf[0].anyOf[1].subjectEndsWith");
    }

    @Test
    void explainIsMatchedWhenTheFilterMatches() {
        EventFilter filter = filter(FixtureRules.RULES.get("mail-failed-runs"));
        assertThat(filter.explain(fixture("RunStatusChanged.json"))).isEqualTo(new FilterResult.Matched());
        assertThat(filter.explain(fixture("RunStatusChanged.json")).matched()).isTrue();
    }

    @Test
    void resultsSerializeToCleanJson() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        assertThat(mapper.writeValueAsString(new FilterResult.Matched())).isEqualTo("{\"matched\":true}");

        EventFilter filter = filter(adv("{operatorType: StringIn, key: data.runStatus, values: [Failed, Canceled]}"));
        FilterResult result = filter.explain(event("{\"runStatus\": \"Completed\"}"));
        assertThat(mapper.writeValueAsString(result)).isEqualTo("{\"matched\":false,\"mismatch\":{"
                + "\"filter\":\"advancedFilters[0]\",\"key\":\"data.runStatus\",\"operatorType\":\"StringIn\","
                + "\"expected\":[\"Failed\",\"Canceled\"],\"actual\":\"Completed\",\"missing\":false,"
                + "\"reason\":\"data.runStatus is \\\"Completed\\\", which is not one of [Failed, Canceled] "
                + "(StringIn compares case-insensitively)\",\"alternatives\":[]}}");

        Mismatch missing = ((FilterResult.NotMatched) filter(
                adv("{operatorType: NumberGreaterThan, key: data.driftCoefficient, value: 0.5}")).explain(event("{}")))
                .mismatch();
        assertThat(mapper.writeValueAsString(missing)).isEqualTo("{\"filter\":\"advancedFilters[0]\","
                + "\"key\":\"data.driftCoefficient\",\"operatorType\":\"NumberGreaterThan\",\"expected\":[0.5],"
                + "\"missing\":true,\"reason\":\"data.driftCoefficient is missing; NumberGreaterThan never matches a "
                + "missing key\",\"alternatives\":[]}");

        Mismatch anyOf = ((FilterResult.NotMatched) filter(StructureCases.FAILED_OR_DRIFT)
                .explain(fixture("RunCompleted.json"))).mismatch();
        JsonNode tree = mapper.valueToTree(anyOf);
        assertThat(tree.has("key")).isFalse();
        assertThat(tree.has("operatorType")).isFalse();
        assertThat(tree.has("actual")).isFalse();
        assertThat(tree.get("alternatives")).hasSize(2);
        assertThat(tree.get("alternatives").get(0).get("actual").textValue()).isEqualTo(RUN_COMPLETED);
        assertThat(tree.get("alternatives").get(0).get("filter").textValue())
                .isEqualTo("anyOf[0].includedEventTypes");
    }

    @Test
    void aJsonNullActualStaysAJsonNull() throws Exception {
        FilterResult result = filter(adv("{operatorType: IsNotNull, key: data.key1}"))
                .explain(event("{\"key1\": null}"));
        JsonNode tree = new ObjectMapper().valueToTree(result);
        assertThat(tree.get("mismatch").has("actual")).isTrue();
        assertThat(tree.get("mismatch").get("actual").isNull()).isTrue();
        assertThat(tree.get("mismatch").get("missing").booleanValue()).isFalse();
    }
}
