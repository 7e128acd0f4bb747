package io.amlrouter.rules.filter;

import static io.amlrouter.rules.filter.FilterCase.match;
import static io.amlrouter.rules.filter.FilterCase.noMatch;
import static io.amlrouter.rules.filter.TestData.asCloudEvent;
import static io.amlrouter.rules.filter.TestData.event;
import static io.amlrouter.rules.filter.TestData.fixture;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** AND across filter kinds, {@code anyOf} with flag inheritance, key resolution and aliasing. */
final class StructureCases {

    private StructureCases() {
    }

    static final String FAILED_OR_DRIFT = """
            anyOf:
              - includedEventTypes: [Microsoft.MachineLearningServices.RunStatusChanged]
                advancedFilters:
                  - {operatorType: StringIn, key: data.runStatus, values: [Failed]}
              - includedEventTypes: [Microsoft.MachineLearningServices.DatasetDriftDetected]
                advancedFilters:
                  - {operatorType: NumberGreaterThan, key: data.driftCoefficient, value: 0.5}
            """;

    static List<FilterCase> combination() {
        String all = """
                includedEventTypes: [Microsoft.MachineLearningServices.RunStatusChanged]
                subjectBeginsWith: experiments/7f3b2a90-c1d4-4e8f-a6b5-0d9e8c7f1a32/
                advancedFilters:
                  - {operatorType: StringIn, key: data.runStatus, values: [Failed, Canceled]}
                  - {operatorType: StringIn, key: data.runType, values: [automl]}
                """;
        JsonNode run = fixture("RunStatusChanged.json");
        return List.of(
                match("AND: type, subject and two advanced filters all hold", all, run),
                noMatch("AND: type differs", all, fixture("RunCompleted.json")),
                noMatch("AND: subject differs", all, edit(run, "subject", "experiments/other/runs/x")),
                noMatch("AND: first advanced filter fails", all, data(run, "runStatus", "Completed")),
                noMatch("AND: second advanced filter fails", all, data(run, "runType", "azureml.PipelineRun")),
                match("AND: the same key in two filters", """
                        advancedFilters:
                          - {operatorType: NumberGreaterThan, key: data.driftCoefficient, value: 0.5}
                          - {operatorType: NumberLessThan, key: data.driftCoefficient, value: 0.7}
                        """, fixture("DatasetDriftDetected.json")),
                noMatch("AND: the same key in two filters, second fails", """
                        advancedFilters:
                          - {operatorType: NumberGreaterThan, key: data.driftCoefficient, value: 0.5}
                          - {operatorType: NumberLessThan, key: data.driftCoefficient, value: 0.6}
                        """, fixture("DatasetDriftDetected.json")),
                match("empty filter object matches everything", "{}", run),
                match("empty advancedFilters list matches everything", "advancedFilters: []", run));
    }

    static List<FilterCase> anyOf() {
        String sensitiveOuter = """
                isSubjectCaseSensitive: true
                anyOf:
                  - subjectBeginsWith: EXPERIMENTS/
                """;
        String sensitiveOverridden = """
                isSubjectCaseSensitive: true
                anyOf:
                  - isSubjectCaseSensitive: false
                    subjectBeginsWith: EXPERIMENTS/
                """;
        String arraysOuter = """
                enableAdvancedFilteringOnArrays: true
                anyOf:
                  - advancedFilters: [{operatorType: StringIn, key: data.tags, values: [gold]}]
                """;
        String arraysOverridden = """
                enableAdvancedFilteringOnArrays: true
                anyOf:
                  - enableAdvancedFilteringOnArrays: false
                    advancedFilters: [{operatorType: StringIn, key: data.tags, values: [gold]}]
                """;
        String arraysOnlyInGroup = """
                anyOf:
                  - enableAdvancedFilteringOnArrays: true
                    advancedFilters: [{operatorType: StringIn, key: data.tags, values: [gold]}]
                """;
        String andWithOuter = """
                includedEventTypes: [Microsoft.MachineLearningServices.RunStatusChanged]
                anyOf:
                  - advancedFilters: [{operatorType: StringIn, key: data.runStatus, values: [Failed]}]
                  - advancedFilters: [{operatorType: StringIn, key: data.runStatus, values: [Canceled]}]
                """;
        String nested = """
                anyOf:
                  - includedEventTypes: [Microsoft.MachineLearningServices.ModelRegistered]
                    anyOf:
                      - advancedFilters: [{operatorType: StringIn, key: data.modelTags.stage, values: [approved]}]
                      - advancedFilters: [{operatorType: StringBeginsWith, key: data.modelName, values: [fraud-]}]
                  - includedEventTypes: [Microsoft.MachineLearningServices.RunCompleted]
                """;
        JsonNode tagged = event("{\"tags\": [\"silver\", \"gold\"]}");
        return List.of(
                match("anyOf: first group matches", FAILED_OR_DRIFT, fixture("RunStatusChanged.json")),
                match("anyOf: second group matches", FAILED_OR_DRIFT, fixture("DatasetDriftDetected.json")),
                noMatch("anyOf: no group matches", FAILED_OR_DRIFT, fixture("RunCompleted.json")),
                noMatch("anyOf: first group's type but not its advanced filter", FAILED_OR_DRIFT,
                        data(fixture("RunStatusChanged.json"), "runStatus", "Running")),
                match("anyOf: ANDed with the enclosing filter, a group holds", andWithOuter,
                        data(fixture("RunStatusChanged.json"), "runStatus", "Canceled")),
                noMatch("anyOf: ANDed with the enclosing filter, outer type fails", andWithOuter,
                        fixture("RunCompleted.json")),
                noMatch("anyOf: group inherits isSubjectCaseSensitive: true", sensitiveOuter,
                        fixture("RunCompleted.json")),
                match("anyOf: group overrides isSubjectCaseSensitive", sensitiveOverridden,
                        fixture("RunCompleted.json")),
                match("anyOf: group inherits enableAdvancedFilteringOnArrays: true", arraysOuter, tagged),
                noMatch("anyOf: group overrides enableAdvancedFilteringOnArrays", arraysOverridden, tagged),
                match("anyOf: flag set only in the group", arraysOnlyInGroup, tagged),
                match("anyOf: nested groups, inner alternative", nested, fixture("ModelRegistered.json")),
                match("anyOf: nested groups, outer alternative", nested, fixture("RunCompleted.json")),
                noMatch("anyOf: nested groups, none", nested, fixture("ModelDeployed.json")),
                noMatch("anyOf: nested groups, type holds but no inner alternative", nested,
                        edit(fixture("ModelRegistered.json"), "data", "{\"modelName\": \"x\"}")));
    }

    static List<FilterCase> keys() {
        JsonNode camel = fixture("ModelRegistered.json");
        JsonNode pascal = fixture("ModelRegistered.pascal.json");
        JsonNode runCompleted = fixture("RunCompleted.json");
        JsonNode cloudEvent = asCloudEvent(runCompleted);
        String workspace = "/subscriptions/5d2c8e71-94ab-4f3e-b0c6-1a7e3f9d2b48/resourceGroups/rg-mlops-prod"
                + "/providers/Microsoft.MachineLearningServices/workspaces/mlw-fraud-weu";
        return List.of(
                match("key data.modelName on camelCase data", adv("StringIn", "data.modelName", "[fraud-gbm]"), camel),
                match("key data.modelName on PascalCase data", adv("StringIn", "data.modelName", "[fraud-gbm]"),
                        pascal),
                match("key data.ModelName on camelCase data", adv("StringIn", "data.ModelName", "[fraud-gbm]"), camel),
                match("key data.MODELTAGS.STAGE on either casing", adv("StringIn", "data.MODELTAGS.STAGE",
                        "[candidate]"), pascal),
                match("key Data.ModelTags.stage (PascalCase root, as in the AML how-to)",
                        adv("StringIn", "Data.ModelTags.stage", "[candidate]"), camel),
                match("exact field name wins over a case-insensitive one",
                        adv("StringIn", "data.runStatus", "[exact]"),
                        event("{\"RunStatus\": \"other\", \"runStatus\": \"exact\"}")),
                match("case-insensitive field found when no exact one exists",
                        adv("StringIn", "data.runstatus", "[pascal]"), event("{\"RunStatus\": \"pascal\"}")),
                match("modelVersion string \"14\" (camelCase fixture) with StringIn [14]",
                        adv("StringIn", "data.modelVersion", "[14]"), camel),
                noMatch("modelVersion string \"14\" is not a number for NumberIn",
                        adv("NumberIn", "data.modelVersion", "[14]"), camel),
                match("ModelVersion number 14 (PascalCase fixture) with NumberIn [14]",
                        adv("NumberIn", "data.modelVersion", "[14]"), pascal),
                noMatch("ModelVersion number 14 is not a string for StringIn",
                        adv("StringIn", "data.modelVersion", "[14]"), pascal),
                match("key data is the whole data object", "advancedFilters: [{operatorType: IsNotNull, key: data}]",
                        camel),
                match("walk through a string is missing",
                        "advancedFilters: [{operatorType: IsNullOrUndefined, key: data.modelName.first}]", camel),
                match("walk through an array is missing",
                        "advancedFilters: [{operatorType: IsNullOrUndefined, key: data.tags.0}]",
                        event("{\"tags\": [\"a\"]}")),
                match("walk through null is missing",
                        "advancedFilters: [{operatorType: IsNullOrUndefined, key: data.runTags.owner}]",
                        event("{\"runTags\": null}")),
                match("key subject (attribute, any case)", adv("StringBeginsWith", "SUBJECT", "[models/]"), camel),
                match("key id", adv("StringIn", "id", "[e4a1c9f0-2b7d-4e63-8a15-9c0d3f6b7e21]"), camel),
                match("key eventType on Event Grid schema",
                        adv("StringEndsWith", "eventType", "[.RunCompleted]"), runCompleted),
                match("key eventType on CloudEvents (alias of type)",
                        adv("StringEndsWith", "eventType", "[.RunCompleted]"), cloudEvent),
                match("key type on Event Grid schema (alias of eventType)",
                        adv("StringEndsWith", "type", "[.RunCompleted]"), runCompleted),
                match("key type on CloudEvents", adv("StringEndsWith", "type", "[.RunCompleted]"), cloudEvent),
                match("key topic on Event Grid schema", adv("StringIn", "topic", "[" + workspace + "]"),
                        runCompleted),
                match("key topic on CloudEvents (alias of source)", adv("StringIn", "topic", "[" + workspace + "]"),
                        cloudEvent),
                match("key source on Event Grid schema (alias of topic)",
                        adv("StringEndsWith", "source", "[/workspaces/mlw-fraud-weu]"), runCompleted),
                match("key eventTime on CloudEvents (alias of time)",
                        adv("StringBeginsWith", "eventTime", "[2025-03-14]"), cloudEvent),
                match("key time on Event Grid schema (alias of eventTime)",
                        adv("StringBeginsWith", "time", "[2025-03-14T08]"), runCompleted),
                match("key dataVersion", adv("StringIn", "dataVersion", "[\"2\"]"), runCompleted),
                noMatch("key dataVersion on the docs-shaped event (empty string)",
                        adv("StringIn", "dataVersion", "[\"2\"]"), pascal),
                match("key metadataVersion", adv("StringIn", "metadataversion", "[\"1\"]"), runCompleted),
                match("key specversion on CloudEvents", adv("StringIn", "specversion", "[\"1.0\"]"), cloudEvent),
                match("key specversion is missing on Event Grid schema",
                        "advancedFilters: [{operatorType: IsNullOrUndefined, key: specversion}]", runCompleted),
                match("key datacontenttype missing → IsNullOrUndefined",
                        "advancedFilters: [{operatorType: IsNullOrUndefined, key: datacontenttype}]", cloudEvent),
                match("key dataschema missing → IsNullOrUndefined",
                        "advancedFilters: [{operatorType: IsNullOrUndefined, key: dataschema}]", cloudEvent),
                match("attribute with unusual casing in the event",
                        adv("StringIn", "subject", "[x]"), renamed(event("{}"), "subject", "Subject")),
                match("eventType alias found case-insensitively (a TYPE field)",
                        adv("StringEndsWith", "eventType", "[.RunCompleted]"), renamed(cloudEvent, "type", "TYPE")),
                match("data path on CloudEvents",
                        adv("StringIn", "data.runId", "[quiet_lemon_7k2xq9vz4m]"), cloudEvent));
    }

    static String adv(String operator, String key, String values) {
        return "advancedFilters: [{operatorType: " + operator + ", key: '" + key + "', values: " + values + "}]";
    }

    static JsonNode data(JsonNode event, String field, String value) {
        ObjectNode copy = event.deepCopy();
        ((ObjectNode) copy.get("data")).put(field, value);
        return copy;
    }

    static JsonNode renamed(JsonNode event, String from, String to) {
        ObjectNode copy = event.deepCopy();
        JsonNode value = copy.remove(from);
        copy.set(to, from.equals("subject") ? TestData.JSON.getNodeFactory().textNode("x") : value);
        return copy;
    }

    static JsonNode edit(JsonNode event, String field, String value) {
        ObjectNode copy = event.deepCopy();
        if (value != null && value.startsWith("{")) {
            copy.set(field, TestData.json(value));
        } else {
            copy.put(field, value);
        }
        return copy;
    }
}
