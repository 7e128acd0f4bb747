package io.amlrouter.rules.filter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Realistic rule filters (the design's examples and their kin) against the Azure ML fixture events of reference
 * §2.4.1–2.4.6, each in the Event Grid schema as delivered and converted to CloudEvents.
 */
final class FixtureRules {

    private FixtureRules() {
    }

    static final Map<String, String> RULES = new LinkedHashMap<>();

    static {
        RULES.put("mail-failed-runs", """
                includedEventTypes: [Microsoft.MachineLearningServices.RunStatusChanged]
                subjectBeginsWith: experiments/
                advancedFilters:
                  - { operatorType: StringIn, key: data.runStatus, values: [Failed, Canceled] }
                """);
        RULES.put("retrain-on-drift", """
                includedEventTypes: [Microsoft.MachineLearningServices.DatasetDriftDetected]
                advancedFilters:
                  - { operatorType: NumberGreaterThan, key: data.driftCoefficient, value: 0.5 }
                """);
        RULES.put("deploy-approved-models", """
                includedEventTypes: [Microsoft.MachineLearningServices.ModelRegistered]
                advancedFilters:
                  - { operatorType: StringIn, key: data.modelTags.stage, values: [approved] }
                """);
        RULES.put("review-fraud-candidates", """
                includedEventTypes: [Microsoft.MachineLearningServices.ModelRegistered]
                subjectBeginsWith: models/fraud-
                advancedFilters:
                  - { operatorType: StringIn, key: data.modelTags.stage, values: [candidate] }
                """);
        RULES.put("only-our-workspace", """
                advancedFilters:
                  - { operatorType: StringEndsWith, key: topic, values: [/workspaces/mlw-fraud-weu] }
                """);
        RULES.put("aks-deployments-of-fraud-gbm", """
                includedEventTypes: [Microsoft.MachineLearningServices.ModelDeployed]
                advancedFilters:
                  - { operatorType: StringIn, key: data.serviceComputeType, values: [AKS, ACI] }
                  - { operatorType: StringContains, key: data.modelIds, values: ["fraud-gbm:"] }
                """);
        RULES.put("drift-retrain-finished", """
                includedEventTypes: [Microsoft.MachineLearningServices.RunCompleted]
                advancedFilters:
                  - { operatorType: StringIn, key: data.runTags.trigger, values: [drift] }
                  - { operatorType: StringNotIn, key: data.runTags.skip_actions, values: ["true"] }
                """);
        RULES.put("numeric-model-version-10-plus", """
                advancedFilters:
                  - { operatorType: NumberGreaterThanOrEquals, key: data.modelVersion, value: 10 }
                """);
        RULES.put("drift-either-subject-form", """
                anyOf:
                  - subjectBeginsWith: datadrift/
                  - subjectBeginsWith: datadrifts/
                """);
        RULES.put("automl-or-pipeline-runs", """
                includedEventTypes: [Microsoft.MachineLearningServices.RunCompleted,
                                     Microsoft.MachineLearningServices.RunStatusChanged]
                advancedFilters:
                  - { operatorType: StringBeginsWith, key: data.runType, values: [automl, azureml.Pipeline] }
                """);
    }

    /** Which rules each fixture matches; every other rule must not match it. */
    static final Map<String, Set<String>> EXPECTED = Map.of(
            "RunCompleted.json", Set.of("only-our-workspace", "drift-retrain-finished", "automl-or-pipeline-runs"),
            "RunStatusChanged.json", Set.of("mail-failed-runs", "only-our-workspace", "automl-or-pipeline-runs"),
            "ModelRegistered.json", Set.of("review-fraud-candidates", "only-our-workspace"),
            "ModelRegistered.pascal.json", Set.of("review-fraud-candidates", "only-our-workspace",
                    "numeric-model-version-10-plus"),
            "ModelDeployed.json", Set.of("only-our-workspace", "aks-deployments-of-fraud-gbm"),
            "DatasetDriftDetected.json", Set.of("retrain-on-drift", "only-our-workspace",
                    "drift-either-subject-form"));

    static List<FilterCase> cases() {
        List<FilterCase> cases = new ArrayList<>();
        EXPECTED.keySet().stream().sorted().forEach(fixture -> {
            JsonNode eventGrid = TestData.fixture(fixture);
            for (Map.Entry<String, String> rule : RULES.entrySet()) {
                boolean matches = EXPECTED.get(fixture).contains(rule.getKey());
                for (JsonNode event : List.of(eventGrid, TestData.asCloudEvent(eventGrid))) {
                    String schema = event == eventGrid ? "Event Grid schema" : "CloudEvents";
                    String name = rule.getKey() + " on " + fixture + " (" + schema + ")";
                    cases.add(new FilterCase(name + (matches ? " → match" : " → no match"), rule.getValue(), event,
                            matches));
                }
            }
        });
        return cases;
    }
}
