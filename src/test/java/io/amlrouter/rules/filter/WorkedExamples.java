package io.amlrouter.rules.filter;

import static io.amlrouter.rules.filter.FilterCase.match;
import static io.amlrouter.rules.filter.FilterCase.noMatch;
import static io.amlrouter.rules.filter.TestData.event;
import static io.amlrouter.rules.filter.TestData.fixture;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Reference §6.7, examples A–J, verbatim: A–F from the Event Grid docs, G–J applied to the Azure ML payloads. */
final class WorkedExamples {

    private WorkedExamples() {
    }

    static final String A = """
            advancedFilters:
              - {"operatorType":"NumberIn","key":"data.counter","values":[5,1]}
            """;
    static final String B = """
            advancedFilters:
              - {operatorType: StringContains, key: data.key1, values: ["microsoft","azure"]}
            """;
    static final String C = """
            advancedFilters:
              - {operatorType: StringBeginsWith, key: data.key1, values: ["event","message"]}
            """;
    static final String D = """
            advancedFilters:
              - {operatorType: StringEndsWith, key: data.key1, values: ["jpg","jpeg","png"]}
            """;
    static final String E = """
            advancedFilters:
              - {operatorType: IsNullOrUndefined, key: data.key1}
            """;
    static final String F_ONE_FILTER = """
            advancedFilters:
              - operatorType: StringContains
                key: Subject
                values: ["/providers/microsoft.devtestlab/","/providers/Microsoft.Compute/virtualMachines/"]
            """;
    static final String F_TWO_FILTERS = """
            advancedFilters:
              - {operatorType: StringContains, key: Subject, values: ["/providers/microsoft.devtestlab/"]}
              - {operatorType: StringContains, key: Subject, values: ["/providers/Microsoft.Compute/virtualMachines/"]}
            """;
    static final String G = """
            advancedFilters:
              - {"operatorType":"StringIn","key":"data.runStatus","values":["failed"]}
            """;
    static final String H = """
            advancedFilters:
              - {operatorType: NumberGreaterThan, key: data.driftCoefficient, value: 0.5}
            """;
    static final String I = """
            advancedFilters:
              - {operatorType: StringIn, key: data.modelTags.stage, values: ["approved"]}
              - {operatorType: StringNotIn, key: data.modelName, values: ["sandbox-model"]}
            """;
    static final String J = """
            advancedFilters:
              - {operatorType: StringNotIn, key: data.runTags.skip_actions, values: ["true"]}
            """;

    static List<FilterCase> all() {
        return List.of(
                match("A. NumberIn data.counter [5,1]: counter = 5", A, event("{\"counter\": 5}")),
                noMatch("A. NumberIn data.counter [5,1]: counter = 7", A, event("{\"counter\": 7}")),
                noMatch("A. NumberIn data.counter [5,1]: key missing", A, event("{\"other\": 5}")),
                match("B. StringContains [microsoft, azure]: \"azure data factory\"", B,
                        event("{\"key1\": \"azure data factory\"}")),
                match("C. StringBeginsWith [event, message]: \"event hubs\"", C, event("{\"key1\": \"event hubs\"}")),
                match("D. StringEndsWith [jpg, jpeg, png]: \"eventgrid.png\"", D,
                        event("{\"key1\": \"eventgrid.png\"}")),
                match("E. IsNullOrUndefined data.key1: {\"key2\":5} (key1 missing)", E, event("{\"key2\": 5}")),
                match("E. IsNullOrUndefined data.key1: {\"key1\":null}", E, event("{\"key1\": null}")),
                noMatch("E. IsNullOrUndefined data.key1: key1 has another value", E, event("{\"key1\": \"v\"}")),
                match("F. one filter, two values: subject contains either (Compute)", F_ONE_FILTER,
                        withSubject(COMPUTE_SUBJECT)),
                match("F. one filter, two values: subject contains either (DevTestLab)", F_ONE_FILTER,
                        withSubject(DEVTESTLAB_SUBJECT)),
                noMatch("F. two filters: subject contains only one", F_TWO_FILTERS, withSubject(COMPUTE_SUBJECT)),
                match("F. two filters: subject contains both", F_TWO_FILTERS, withSubject(BOTH_SUBJECT)),
                match("G. StringIn data.runStatus [failed]: \"Failed\" (RunStatusChanged fixture)", G,
                        fixture("RunStatusChanged.json")),
                noMatch("G. StringIn data.runStatus [failed]: \"Running\"", G,
                        withData(fixture("RunStatusChanged.json"), "runStatus", "Running")),
                match("H. NumberGreaterThan driftCoefficient 0.5: 0.628… (DatasetDriftDetected fixture)", H,
                        fixture("DatasetDriftDetected.json")),
                noMatch("H. NumberGreaterThan driftCoefficient 0.5: driftCoefficient null", H,
                        withData(fixture("DatasetDriftDetected.json"), "driftCoefficient", null)),
                match("I. tag gate: stage \"Approved\", name fraud-gbm", I,
                        withStage(fixture("ModelRegistered.json"), "Approved")),
                noMatch("I. tag gate: tags lack stage", I, withoutStage(fixture("ModelRegistered.json"))),
                noMatch("I. tag gate: stage \"candidate\" (ModelRegistered fixture)", I, fixture("ModelRegistered.json")),
                match("J. StringNotIn skip_actions [true]: tag absent (RunCompleted fixture)", J,
                        fixture("RunCompleted.json")),
                noMatch("J. StringNotIn skip_actions [true]: \"TRUE\"", J, withSkipActions("TRUE")));
    }

    static final String COMPUTE_SUBJECT = "/subscriptions/5d2c8e71-94ab-4f3e-b0c6-1a7e3f9d2b48/resourceGroups/rg"
            + "/providers/Microsoft.Compute/virtualMachines/vm-1";
    static final String DEVTESTLAB_SUBJECT = "/subscriptions/5d2c8e71-94ab-4f3e-b0c6-1a7e3f9d2b48/resourceGroups/rg"
            + "/providers/Microsoft.DevTestLab/labs/lab-1";
    static final String BOTH_SUBJECT = "/subscriptions/5d2c8e71-94ab-4f3e-b0c6-1a7e3f9d2b48/resourceGroups/rg"
            + "/providers/Microsoft.DevTestLab/labs/lab-1/providers/Microsoft.Compute/virtualMachines/vm-1";

    private static JsonNode withSubject(String subject) {
        ObjectNode event = (ObjectNode) event("{}");
        event.put("subject", subject);
        return event;
    }

    static JsonNode withData(JsonNode fixture, String field, String value) {
        ObjectNode event = fixture.deepCopy();
        ((ObjectNode) event.get("data")).put(field, value);
        return event;
    }

    static JsonNode withStage(JsonNode fixture, String stage) {
        ObjectNode event = fixture.deepCopy();
        ((ObjectNode) event.get("data").get("modelTags")).put("stage", stage);
        return event;
    }

    static JsonNode withoutStage(JsonNode fixture) {
        ObjectNode event = fixture.deepCopy();
        ((ObjectNode) event.get("data").get("modelTags")).remove("stage");
        return event;
    }

    static JsonNode withSkipActions(String value) {
        ObjectNode event = fixture("RunCompleted.json").deepCopy();
        ((ObjectNode) event.get("data").get("runTags")).put("skip_actions", value);
        return event;
    }
}
